"""The web interface lacks the response headers that make browsers enforce HTTPS and block framing and sniffing."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, not_applicable, passed
from muniscan.checks.views import ServiceView, judged_on
from muniscan.facts.http import HttpFacts
from muniscan.policies.schema import Policy, Severity

METADATA = CheckMeta(
    id="http_missing_security_headers",
    title="Web interface lacks security headers",
    severity=Severity.LOW,
    level=Level.SERVICE,
    requires=("http",),
    rationale=(
        "Without HSTS a browser can be downgraded to plain HTTP; without a frame policy (CSP "
        "frame-ancestors or X-Frame-Options) the admin page can be framed for clickjacking; without "
        "X-Content-Type-Options uploads can be sniffed into scripts."
    ),
    remediation=(
        "Send Strict-Transport-Security on HTTPS, Content-Security-Policy with frame-ancestors (or "
        "X-Frame-Options: DENY) and X-Content-Type-Options: nosniff on every response."
    ),
    enisa=("GP-TM-52",),
    etsi=("5.5-1",),
    owasp=("I3",),
)


def required_missing(present: set[str], tls: bool) -> list[str]:
    """The headers this service should send but does not; a frame policy may come from either header."""
    missing = []
    if tls and "strict-transport-security" not in present:
        missing.append("strict-transport-security")
    if not present & {"content-security-policy", "x-frame-options"}:
        missing.append("content-security-policy or x-frame-options")
    if "x-content-type-options" not in present:
        missing.append("x-content-type-options")
    return missing


@judged_on("http")
def evaluate(service: ServiceView, facts: HttpFacts, policy: Policy) -> CheckResult:
    if facts.redirect_to_https and not facts.tls:
        return not_applicable()  # it only redirects: the HTTPS side is judged on its own port
    missing = required_missing(set(facts.security_headers), facts.tls)
    if missing:
        return failed(port=service.port, missing=missing, present=list(facts.security_headers))
    return passed(present=list(facts.security_headers))
