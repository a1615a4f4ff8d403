"""CoAP resources that answer plain, unauthenticated GETs give sensor data and control points to anyone."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, not_applicable, passed, unknown
from muniscan.checks.views import ServiceView
from muniscan.policies.schema import Policy, Severity
from muniscan.scanner.probes.base import AttemptStatus

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


def evaluate(service: ServiceView, policy: Policy) -> CheckResult:
    attempt = service.attempt("coap")
    if attempt is None or attempt.status is AttemptStatus.NOT_APPLICABLE:
        return not_applicable()
    if attempt.status is AttemptStatus.ERROR:
        return unknown(attempt.reason or "coap probe failed")
    facts = attempt.facts
    readable = facts.readable
    if readable:
        return failed(
            port=service.port,
            listed=facts.listed,
            readable=len(readable),
            sample_paths=[r.path for r in readable[:PATHS_IN_EVIDENCE]],
        )
    return passed(listing=facts.listing_code, listed=facts.listed, refused=[r.code for r in facts.resources][:5])
