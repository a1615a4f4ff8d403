"""The TLS service presents a self-signed certificate, which no client can validate."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, not_applicable, passed, unknown
from muniscan.checks.views import ServiceView
from muniscan.policies.schema import Policy, Severity
from muniscan.scanner.probes.base import AttemptStatus

METADATA = CheckMeta(
    id="tls_certificate_self_signed",
    title="TLS certificate is self-signed",
    severity=Severity.LOW,
    level=Level.SERVICE,
    requires=("tls",),
    rationale=(
        "A self-signed certificate cannot be told apart from an attacker's, so users and integrations "
        "must either skip validation or pin it by hand; in practice validation is switched off."
    ),
    remediation=(
        "Issue the device certificate from the municipality's internal CA (or the vendor's, with its "
        "root distributed to clients), and renew it through that CA."
    ),
    enisa=("GP-TM-35",),
    etsi=("5.5-1",),
    owasp=("I7",),
)


def evaluate(service: ServiceView, policy: Policy) -> CheckResult:
    attempt = service.attempt("tls")
    if attempt is None or attempt.status is AttemptStatus.NOT_APPLICABLE:
        return not_applicable()
    if attempt.status is AttemptStatus.ERROR:
        return unknown(attempt.reason or "tls probe failed")
    certificate = attempt.facts.certificate
    if certificate is None:
        return unknown(attempt.facts.certificate_error) if attempt.facts.certificate_error else not_applicable()
    if certificate.self_signed:
        return failed(port=service.port, subject=certificate.subject, sha256=certificate.sha256)
    return passed(issuer=certificate.issuer)
