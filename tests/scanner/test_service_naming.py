"""A service on a port no table names is named by the web probe when that spoke HTTP with it."""

import pytest

from muniscan.facts.attempt import Attempt, AttemptStatus
from muniscan.scanner.engine import _named_by_probes

DONE = Attempt("http", AttemptStatus.COMPLETED)
FAILED = Attempt("http", AttemptStatus.ERROR, reason="protocol: not HTTP")


@pytest.mark.parametrize(
    ("name", "attempts", "named"),
    [
        ("tls", [DONE], "https"),
        ("unknown", [DONE], "http"),
        ("tls", [FAILED], "tls"),
        ("unknown", [], "unknown"),
        ("mqtts", [DONE], "mqtts"),  # a name from the port or greeting stands
    ],
)
def test_named_by_probes(name: str, attempts: list[Attempt], named: str) -> None:
    assert _named_by_probes(name, attempts) == named
