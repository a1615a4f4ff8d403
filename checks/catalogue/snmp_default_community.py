"""An SNMP agent that answers a well-known community string hands its configuration to anyone."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, passed
from muniscan.checks.views import ServiceView, judged_on
from muniscan.facts.snmp import SnmpFacts
from muniscan.policies.schema import Policy, Severity

METADATA = CheckMeta(
    id="snmp_default_community",
    title="SNMP agent answers a default community string",
    severity=Severity.HIGH,
    level=Level.SERVICE,
    requires=("snmp",),
    rationale=(
        "Community strings such as 'public' and 'private' are printed in every manual. Anyone on the network "
        "can read the device's configuration, interfaces and neighbours, and with a write community change them."
    ),
    remediation=(
        "Remove the default communities; prefer SNMPv3 with authentication and privacy (authPriv), "
        "or disable SNMP if nothing polls the device."
    ),
    enisa=("GP-TM-09", "GP-TM-22", "GP-TM-29"),
    etsi=("5.1-1", "5.5-5"),
    owasp=("I1", "I2"),
)


@judged_on("snmp")
def evaluate(service: ServiceView, facts: SnmpFacts, policy: Policy) -> CheckResult:
    if facts.accepted:
        return failed(
            port=service.port,
            accepted=list(facts.accepted),
            sys_descr=facts.sys_descr[:120],
        )
    return passed(communities_tried=facts.communities_tried, versions=list(facts.answered_versions))
