"""Credentials would cross the network in clear: HTTP Basic over plain HTTP, or a login form posted over HTTP."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, not_applicable, passed
from muniscan.checks.views import ServiceView, judged_on
from muniscan.facts.http import HttpFacts
from muniscan.policies.schema import Policy, Severity

METADATA = CheckMeta(
    id="http_basic_auth_cleartext",
    title="Web login sends credentials in clear text",
    severity=Severity.HIGH,
    level=Level.SERVICE,
    requires=("http",),
    rationale=(
        "HTTP Basic only base64-encodes the password, and a form posted over HTTP sends it as is: one "
        "captured request on the network gives the account away, with every later request repeating it."
    ),
    remediation="Require HTTPS for every page that asks for or carries credentials; disable the plain listener.",
    enisa=("GP-TM-40", "GP-TM-38"),
    etsi=("5.5-1", "5.5-7"),
    owasp=("I1", "I7"),
)


@judged_on("http")
def evaluate(service: ServiceView, facts: HttpFacts, policy: Policy) -> CheckResult:
    if facts.auth_scheme == "basic" and not facts.tls:
        return failed(port=service.port, auth_scheme="basic", realm=facts.auth_realm, tls=False)
    if facts.form_posts_plaintext:
        return failed(port=service.port, auth_scheme="form", tls=facts.tls)
    if facts.auth_scheme in {"basic", "form"}:
        return passed(auth_scheme=facts.auth_scheme, tls=facts.tls)
    return not_applicable()
