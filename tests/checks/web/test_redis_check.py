"""redis_unauthenticated_access fails a Redis that answers PING without a password, and only that one."""

import pytest

from muniscan.checks.catalogue import redis_unauthenticated_access
from muniscan.checks.model import Verdict
from muniscan.facts.redis import RedisFacts

from .conftest import POLICY, service


@pytest.mark.parametrize(
    ("facts", "verdict"),
    [
        (RedisFacts("PONG", auth_required=False, protected_mode=False, version="7.0.15"), Verdict.FAIL),
        (RedisFacts("NOAUTH Authentication required.", auth_required=True, protected_mode=False), Verdict.PASS),
        (
            RedisFacts("DENIED Redis is running in protected mode", auth_required=False, protected_mode=True),
            Verdict.PASS,
        ),
    ],
)
def test_verdicts(facts: RedisFacts, verdict: Verdict) -> None:
    result = redis_unauthenticated_access.evaluate(service("redis", facts, port=6379), POLICY)
    assert result.verdict is verdict
    if verdict is Verdict.FAIL:
        assert result.evidence == {"port": 6379, "answer": "PONG", "version": "7.0.15"}


def test_a_failed_attempt_is_unknown_not_a_pass() -> None:
    result = redis_unauthenticated_access.evaluate(service("redis", port=6379, error="timeout"), POLICY)
    assert result.verdict is Verdict.UNKNOWN
