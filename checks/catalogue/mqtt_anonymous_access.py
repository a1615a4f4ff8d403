"""An MQTT broker that accepts clients without credentials lets anyone read and publish."""

from muniscan.checks.model import (
    CheckMeta,
    CheckResult,
    Level,
    failed,
    not_applicable,
    passed,
    unknown,
)
from muniscan.checks.views import ServiceView
from muniscan.policies.schema import Policy, Severity
from muniscan.scanner.probes.base import AttemptStatus

METADATA = CheckMeta(
    id="mqtt_anonymous_access",
    title="MQTT broker accepts anonymous clients",
    severity=Severity.HIGH,
    level=Level.SERVICE,
    requires=("mqtt",),
    rationale=(
        "Without authentication any client on the network can subscribe to all telemetry, which "
        "often carries personal data, and can publish commands to devices."
    ),
    remediation="Require a user name and password or client certificates, and set topic ACLs.",
    enisa=("GP-TM-22", "GP-TM-29", "GP-TM-44"),
    etsi=("5.1-1", "5.5-4"),
    owasp=("I1", "I2"),
)


def evaluate(service: ServiceView, policy: Policy) -> CheckResult:
    attempt = service.attempt("mqtt")
    if attempt is None or attempt.status is AttemptStatus.NOT_APPLICABLE:
        return not_applicable()
    if attempt.status is AttemptStatus.ERROR:
        return unknown(attempt.reason or "mqtt probe failed")
    facts = attempt.facts
    if facts.anonymous_accepted:
        return failed(port=service.port, connack=facts.return_code, tls=facts.tls)
    return passed(connack=facts.return_code, reason=facts.return_text)
