"""A PostgreSQL server that trusts network clients lets anyone who names a real role read and change data."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, passed, unknown
from muniscan.checks.views import ServiceView, judged_on
from muniscan.facts.postgres import PostgresFacts
from muniscan.policies.schema import Policy, Severity

METADATA = CheckMeta(
    id="postgresql_unauthenticated_access",
    title="PostgreSQL lets network clients in without a password",
    severity=Severity.CRITICAL,
    level=Level.SERVICE,
    requires=("postgres",),
    rationale=(
        "The server skipped authentication for a made-up role (trust in pg_hba.conf) and only then found "
        "the role missing: anyone who names a real one, such as postgres, is in, with that role's rights "
        "over the historian, parking or access-control data."
    ),
    remediation="Use scram-sha-256 for every host line in pg_hba.conf and allow only the addresses that need it.",
    enisa=("GP-TM-22", "GP-TM-44"),
    etsi=("5.1-1", "5.6-1"),
    owasp=("I1", "I2"),
)


@judged_on("postgres")
def evaluate(service: ServiceView, facts: PostgresFacts, policy: Policy) -> CheckResult:
    if facts.authentication == "trust":
        return failed(port=service.port, authentication=facts.authentication, answer=facts.message)
    if facts.authentication == "other":
        return unknown(f"unrecognised answer {facts.sqlstate}: {facts.message}")
    return passed(authentication=facts.authentication, tls_offered=facts.tls_offered)
