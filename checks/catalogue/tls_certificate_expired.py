"""The certificate a TLS service presents is past its end date (or not valid yet)."""

from datetime import UTC, datetime
from typing import Any

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, passed
from muniscan.checks.tls_grading import certificate_or_verdict
from muniscan.checks.views import ServiceView, judged_on
from muniscan.facts.tls import TlsFacts
from muniscan.policies.schema import Policy, Severity

METADATA = CheckMeta(
    id="tls_certificate_expired",
    title="TLS certificate expired or not yet valid",
    severity=Severity.MEDIUM,
    level=Level.SERVICE,
    requires=("tls",),
    rationale=(
        "Clients that validate certificates refuse an expired one, so operators learn to click through "
        "warnings, and a man-in-the-middle certificate then looks no different. It also shows that the "
        "device's keys are not managed."
    ),
    remediation="Renew the certificate and put certificate renewal for this device class into operations.",
    enisa=("GP-TM-34", "GP-TM-35"),
    etsi=("5.5-1",),
    owasp=("I7",),
)


@judged_on("tls")
def evaluate(service: ServiceView, facts: TlsFacts, policy: Policy) -> CheckResult:
    certificate = certificate_or_verdict(facts)
    if isinstance(certificate, CheckResult):
        return certificate
    now = datetime.now(UTC)
    not_before = datetime.fromisoformat(certificate.not_before)
    not_after = datetime.fromisoformat(certificate.not_after)
    evidence: dict[str, Any] = {
        "port": service.port,
        "subject": certificate.subject,
        "not_before": certificate.not_before,
    }
    if now > not_after:
        return failed(**evidence, not_after=certificate.not_after, state="expired")
    if now < not_before:
        return failed(**evidence, state="not yet valid")
    return passed(not_after=certificate.not_after, days_left=(not_after - now).days)
