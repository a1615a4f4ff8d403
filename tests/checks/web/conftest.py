"""Views built from fact records alone, for judging web, TLS, SSH and FTP checks without a network."""

from typing import Any

from muniscan.checks.views import ServiceView
from muniscan.facts.attempt import Attempt, AttemptStatus
from muniscan.policies.schema import Policy

POLICY = Policy(name="web-check-test")


def service(
    probe: str, facts: Any = None, *, port: int = 443, name: str = "", banner: str = "", error: str | None = None
) -> ServiceView:
    """A service with one completed attempt of `probe` (or an error attempt when `error` is given)."""
    status = AttemptStatus.ERROR if error is not None else AttemptStatus.COMPLETED
    attempts = {probe: Attempt(probe, status, None if error else facts, error)}
    return ServiceView("127.77.10.1", "tcp", port, name or probe, False, banner, attempts)


def bare(name: str, port: int, banner: str = "") -> ServiceView:
    return ServiceView("127.77.10.1", "tcp", port, name, False, banner, {})
