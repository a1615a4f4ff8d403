"""Telnet offers device management in clear text: logins and commands can be read on the wire."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, not_applicable
from muniscan.checks.views import ServiceView
from muniscan.policies.schema import Policy, Severity

METADATA = CheckMeta(
    id="telnet_management_plaintext",
    title="Telnet management interface exposed",
    severity=Severity.HIGH,
    level=Level.SERVICE,
    requires=("banner",),
    rationale=(
        "Telnet sends user names, passwords and commands unencrypted, so anyone on the path can "
        "capture the credentials and take over the device."
    ),
    remediation="Disable telnet; manage the device over SSH or HTTPS, or from a management VLAN only.",
    enisa=("GP-TM-08", "GP-TM-34", "GP-TM-38", "GP-TM-40"),
    etsi=("5.5-1", "5.6-1"),
    owasp=("I2", "I9"),
)


def evaluate(service: ServiceView, policy: Policy) -> CheckResult:
    if service.name != "telnet":
        return not_applicable()
    return failed(port=service.port, banner=service.banner[:120])
