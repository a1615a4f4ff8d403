"""A Redis server that answers without a password lets anyone on the network read and change its data."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, passed
from muniscan.checks.views import ServiceView, judged_on
from muniscan.facts.redis import RedisFacts
from muniscan.policies.schema import Policy, Severity

METADATA = CheckMeta(
    id="redis_unauthenticated_access",
    title="Redis data store answers without authentication",
    severity=Severity.HIGH,
    level=Level.SERVICE,
    requires=("redis",),
    rationale=(
        "Devices and gateways keep counts, sessions and queued readings in Redis. Without a password "
        "any client that reaches the port can read, change or delete them, and Redis' CONFIG command "
        "has been used to write files on the host."
    ),
    remediation=(
        "Set requirepass or ACL users, bind Redis to the interfaces that need it, and keep protected mode on."
    ),
    enisa=("GP-TM-22", "GP-TM-44"),
    etsi=("5.1-1", "5.6-1"),
    owasp=("I1", "I2"),
)


@judged_on("redis")
def evaluate(service: ServiceView, facts: RedisFacts, policy: Policy) -> CheckResult:
    if facts.auth_required or facts.protected_mode:
        return passed(answer=facts.answer)
    return failed(port=service.port, answer=facts.answer, version=facts.version)
