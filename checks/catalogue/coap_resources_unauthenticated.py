"""CoAP resources that answer plain, unauthenticated GETs give sensor data and control points to anyone."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, passed
from muniscan.checks.views import ServiceView, judged_on
from muniscan.facts.coap import CoapFacts
from muniscan.policies.schema import Policy, Severity

PATHS_IN_EVIDENCE = 5

METADATA = CheckMeta(
    id="coap_resources_unauthenticated",
    title="CoAP resources readable without DTLS or OSCORE",
    severity=Severity.MEDIUM,
    level=Level.SERVICE,
    requires=("coap",),
    rationale=(
        "Plain CoAP on UDP 5683 has no authentication or encryption: anyone who can send a datagram can "
        "list the device's resources and read them, and on-path observers see every value."
    ),
    remediation=(
        "Serve resources only over CoAPS (DTLS, UDP 5684) or OSCORE with per-device credentials, "
        "and stop answering plain CoAP."
    ),
    enisa=("GP-TM-29", "GP-TM-38", "GP-TM-44"),
    etsi=("5.5-1", "5.5-4"),
    owasp=("I2", "I7"),
)


@judged_on("coap")
def evaluate(service: ServiceView, facts: CoapFacts, policy: Policy) -> CheckResult:
    readable = facts.readable
    if readable:
        return failed(
            port=service.port,
            listed=facts.listed,
            readable=len(readable),
            sample_paths=[r.path for r in readable[:PATHS_IN_EVIDENCE]],
        )
    return passed(listing=facts.listing_code, listed=facts.listed, refused=[r.code for r in facts.resources][:5])
