"""FTP is listening: logins and files cross the network unencrypted."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, not_applicable
from muniscan.checks.views import ServiceView
from muniscan.policies.schema import Policy, Severity

METADATA = CheckMeta(
    id="ftp_plaintext_service",
    title="Plain-text FTP service exposed",
    severity=Severity.MEDIUM,
    level=Level.SERVICE,
    requires=("banner",),
    rationale=(
        "FTP sends user names, passwords and file contents in clear; even where the server offers "
        "AUTH TLS, clients may skip it, and the data channel is easy to hijack."
    ),
    remediation="Turn FTP off; move file exchange to SFTP or HTTPS, or require FTPS with TLS 1.2 or later.",
    enisa=("GP-TM-08", "GP-TM-38", "GP-TM-39", "GP-TM-40"),
    etsi=("5.5-1", "5.6-1"),
    owasp=("I2", "I7"),
)


def evaluate(service: ServiceView, policy: Policy) -> CheckResult:
    if service.name != "ftp":
        return not_applicable()
    facts = service.facts("ftp")
    tls_offered = bool(facts and facts.auth_tls_offered)
    return failed(port=service.port, banner=service.banner[:120], auth_tls_offered=tls_offered)
