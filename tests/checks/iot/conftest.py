"""Build the views a check judges from fact records alone: no network, no store."""

from typing import Any

from muniscan.checks.views import ServiceView
from muniscan.facts.attempt import Attempt, AttemptStatus
from muniscan.policies.schema import Policy

POLICY = Policy(name="iot-check-test")


def service(
    probe: str,
    facts: Any = None,
    *,
    port: int = 0,
    transport: str = "tcp",
    name: str = "",
    error: str | None = None,
    tls: bool = False,
) -> ServiceView:
    """A service with one completed attempt (or an error attempt when `error` is given)."""
    if error is not None:
        attempts = {probe: Attempt(probe, AttemptStatus.ERROR, reason=error)}
    else:
        attempts = {probe: Attempt(probe, AttemptStatus.COMPLETED, facts)}
    return ServiceView("127.77.11.1", transport, port, name or probe, tls, "", attempts)


def bare_service(port: int = 80, transport: str = "tcp", name: str = "http") -> ServiceView:
    return ServiceView("127.77.11.1", transport, port, name, False, "", {})
