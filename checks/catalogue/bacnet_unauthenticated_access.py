"""BACnet/IP has no authentication: a controller that answers a stranger can be read, and commanded, by anyone."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, passed
from muniscan.checks.views import ServiceView, judged_on
from muniscan.facts.bacnet import BacnetFacts
from muniscan.policies.schema import Policy, Severity

METADATA = CheckMeta(
    id="bacnet_unauthenticated_access",
    title="BACnet/IP device readable without authentication",
    severity=Severity.HIGH,
    level=Level.SERVICE,
    requires=("bacnet",),
    rationale=(
        "BACnet/IP on UDP 47808 carries no authentication: whoever can send it a datagram learns the "
        "controller's identity, firmware and location, can read every point and, with WriteProperty, change "
        "set points and schedules of heating, ventilation, lifts and access control."
    ),
    remediation=(
        "Keep BACnet/IP on an isolated building-automation segment that admits only the building-management "
        "server (host or network firewall, no BBMD towards other networks), or move to BACnet Secure Connect "
        "(TLS with device certificates)."
    ),
    enisa=("GP-TM-29", "GP-TM-44"),
    etsi=("5.5-4", "5.6-2"),
    owasp=("I2",),
)


@judged_on("bacnet")
def evaluate(service: ServiceView, facts: BacnetFacts, policy: Policy) -> CheckResult:
    readable = [p.name for p in facts.readable]
    if not readable and not facts.answered_who_is:
        return passed(refused=[f"{p.name}: {p.error}" for p in facts.properties][:5])
    identity = " ".join(v for v in (facts.value(n) for n in ("vendorName", "modelName", "firmwareRevision")) if v)
    return failed(
        port=service.port,
        device_instance=facts.device_instance,
        answered_who_is=facts.answered_who_is,
        readable=readable,
        identity=identity or "not disclosed",
    )
