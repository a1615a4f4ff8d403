"""A login accepts wrong password after wrong password at full speed: nothing stops password guessing."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, not_applicable, passed, unknown
from muniscan.checks.views import ServiceView, judged_on
from muniscan.facts.brute_force import BruteForceFacts
from muniscan.policies.schema import Intrusiveness, Policy, Severity

METADATA = CheckMeta(
    id="brute_force_protection_missing",
    title="Login has no brute-force protection",
    severity=Severity.MEDIUM,
    level=Level.SERVICE,
    requires=("brute_force",),
    rationale=(
        "Without a growing delay, rate limit or lockout after failed logins, an attacker on the network "
        "can try password lists at line speed until one works."
    ),
    remediation=(
        "Enable a login delay that grows with failures, a per-source rate limit or a temporary lockout "
        "(with an alert), as the device allows; otherwise restrict the service to a management network."
    ),
    enisa=("GP-TM-25",),
    etsi=("5.1-5",),
    owasp=("I1",),
    intrusiveness=Intrusiveness.INTRUSIVE,
)


@judged_on("brute_force")
def evaluate(service: ServiceView, facts: BruteForceFacts, policy: Policy) -> CheckResult:
    if not facts.login_found:
        return not_applicable()
    if facts.protected:
        return passed(signals=list(facts.signals))
    if facts.signals:
        return not_applicable()  # it accepted a random password: no login to protect (another finding)
    if facts.attempts < policy.probes.brute_force_attempts:
        return unknown(f"only {facts.attempts} wrong logins were sent")
    return failed(
        port=service.port,
        service=facts.service,
        login_endpoint=facts.endpoint or facts.service,
        wrong_logins=facts.attempts,
        first_seconds=facts.first_seconds,
        last_seconds=facts.last_seconds,
    )
