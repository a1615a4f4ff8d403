"""The web interface sets cookies without Secure (over HTTPS), HttpOnly or SameSite."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, not_applicable, passed
from muniscan.checks.views import ServiceView, judged_on
from muniscan.facts.http import CookieFacts, HttpFacts
from muniscan.policies.schema import Policy, Severity

METADATA = CheckMeta(
    id="http_insecure_cookies",
    title="Web interface sets cookies without protective flags",
    severity=Severity.MEDIUM,
    level=Level.SERVICE,
    requires=("http",),
    rationale=(
        "A session cookie without Secure leaks over any plain request, without HttpOnly it can be read "
        "by injected script, and without SameSite it rides along on cross-site requests (CSRF)."
    ),
    remediation="Set Secure, HttpOnly and SameSite=Strict (or Lax) on every session and authentication cookie.",
    enisa=("GP-TM-52",),
    etsi=("5.5-1",),
    owasp=("I3",),
)


def missing_flags(cookie: CookieFacts, tls: bool) -> list[str]:
    missing = [] if cookie.secure or not tls else ["Secure"]
    missing += [] if cookie.http_only else ["HttpOnly"]
    missing += [] if cookie.same_site and cookie.same_site.lower() in {"strict", "lax"} else ["SameSite"]
    return missing


@judged_on("http")
def evaluate(service: ServiceView, facts: HttpFacts, policy: Policy) -> CheckResult:
    if not facts.cookies:
        return not_applicable()
    problems = {c.name: missing_flags(c, facts.tls) for c in facts.cookies}
    problems = {name: flags for name, flags in problems.items() if flags}
    if problems:
        return failed(port=service.port, cookies={name: f"missing {', '.join(f)}" for name, f in problems.items()})
    return passed(cookies=[c.name for c in facts.cookies])
