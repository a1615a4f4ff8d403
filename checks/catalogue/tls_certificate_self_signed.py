"""The TLS service presents a self-signed certificate, which no client can validate."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, passed
from muniscan.checks.tls_grading import certificate_or_verdict
from muniscan.checks.views import ServiceView, judged_on
from muniscan.facts.tls import TlsFacts
from muniscan.policies.schema import Policy, Severity

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


@judged_on("tls")
def evaluate(service: ServiceView, facts: TlsFacts, policy: Policy) -> CheckResult:
    certificate = certificate_or_verdict(facts)
    if isinstance(certificate, CheckResult):
        return certificate
    if certificate.self_signed:
        return failed(port=service.port, subject=certificate.subject, sha256=certificate.sha256)
    return passed(issuer=certificate.issuer)
