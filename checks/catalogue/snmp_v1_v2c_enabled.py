"""SNMP v1 and v2c send community strings and data in clear; only v3 authenticates and encrypts."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, passed
from muniscan.checks.views import ServiceView, judged_on
from muniscan.facts.snmp import SnmpFacts
from muniscan.policies.schema import Policy, Severity

CLEARTEXT_VERSIONS = ("v1", "v2c")

METADATA = CheckMeta(
    id="snmp_v1_v2c_enabled",
    title="SNMP v1 or v2c enabled (community in clear text)",
    severity=Severity.MEDIUM,
    level=Level.SERVICE,
    requires=("snmp",),
    rationale=(
        "SNMP v1 and v2c authenticate with a community string sent in clear in every packet and carry no "
        "encryption, so anyone on the path learns the secret and the data."
    ),
    remediation="Disable SNMP v1 and v2c and use SNMPv3 with the authPriv security level (SHA and AES).",
    enisa=("GP-TM-34", "GP-TM-38", "GP-TM-40"),
    etsi=("5.5-1", "5.5-7"),
    owasp=("I2", "I7"),
)


@judged_on("snmp")
def evaluate(service: ServiceView, facts: SnmpFacts, policy: Policy) -> CheckResult:
    cleartext = [v for v in facts.answered_versions if v in CLEARTEXT_VERSIONS]
    if cleartext:
        return failed(port=service.port, versions=cleartext)
    # v1/v2c only show themselves to a community that works: say what the pass rests on.
    return passed(versions=list(facts.answered_versions), communities_tried=facts.communities_tried)
