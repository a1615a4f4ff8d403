"""A device's web administration is served over plain HTTP without a redirect to HTTPS."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, not_applicable, passed
from muniscan.checks.views import ServiceView, judged_on
from muniscan.facts.http import HttpFacts
from muniscan.policies.schema import Policy, Severity

METADATA = CheckMeta(
    id="http_admin_without_tls",
    title="Web administration served over plain HTTP",
    severity=Severity.HIGH,
    level=Level.SERVICE,
    requires=("http",),
    rationale=(
        "Sessions, settings and passwords of an admin interface over plain HTTP can be read and altered "
        "by anyone on the path, including other devices on a shared municipal network."
    ),
    remediation=(
        "Serve the admin interface over HTTPS only (TLS 1.2 or later) and answer plain HTTP with a "
        "permanent redirect to it, or turn the plain listener off."
    ),
    enisa=("GP-TM-34", "GP-TM-39", "GP-TM-52"),
    etsi=("5.5-1", "5.5-5"),
    owasp=("I2", "I3", "I7"),
)


@judged_on("http")
def evaluate(service: ServiceView, facts: HttpFacts, policy: Policy) -> CheckResult:
    if facts.tls:
        return not_applicable()
    if facts.redirect_to_https:
        return passed(redirect=facts.location)
    admin = facts.auth_scheme != "none" or any(p.auth_required or p.admin_content for p in facts.pages)
    if not admin:
        return passed(reason="no login or administration page found")
    return failed(
        port=service.port,
        auth_scheme=facts.auth_scheme,
        admin_pages=[p.path for p in facts.pages if p.auth_required or p.admin_content],
        made_up_path_status=facts.made_up_status,
        title=facts.title,
    )
