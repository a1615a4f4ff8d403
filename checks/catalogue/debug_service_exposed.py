"""A debug bridge reachable over the network is a maintenance back door into the device."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, passed
from muniscan.checks.views import ServiceView, judged_on
from muniscan.facts.adb import AdbFacts
from muniscan.policies.schema import Policy, Severity

METADATA = CheckMeta(
    id="debug_service_exposed",
    title="Debug service (ADB) reachable over the network",
    severity=Severity.HIGH,
    level=Level.SERVICE,
    requires=("adb",),
    rationale=(
        "Android Debug Bridge on TCP 5555 is a development interface. Without a key it gives anyone a root "
        "or shell session; with a key it is still an unneeded, attackable interface on a production device."
    ),
    remediation="Disable ADB over TCP (and USB debugging) in production firmware; never ship debug builds.",
    enisa=("GP-TM-08", "GP-TM-33", "GP-TM-50"),
    etsi=("5.6-1", "5.6-4"),
    owasp=("I2", "I9"),
)


@judged_on("adb")
def evaluate(service: ServiceView, facts: AdbFacts, policy: Policy) -> CheckResult:
    if facts.connected:
        return failed(port=service.port, authentication="none", model=facts.product_model)
    if facts.auth_required:
        return failed(confidence=0.8, port=service.port, authentication="RSA key required")
    return passed()
