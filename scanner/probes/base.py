"""What a probe is, and how one is run so that nothing it meets escapes as a crash.

The attempt record it returns lives in `muniscan.facts.attempt`, the contract with the checks.
"""

import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from muniscan.facts.attempt import Attempt, AttemptStatus
from muniscan.policies.schema import Intrusiveness, Policy
from muniscan.scanner.gate import Gate
from muniscan.scanner.scope import OutOfScope

F = TypeVar("F")


class ProtocolError(Exception):
    """The peer answered, but not in the protocol the probe speaks."""


@dataclass(frozen=True)
class ServiceTarget:
    """An open port as the probes see it: what discovery and earlier probes learnt."""

    address: str
    port: int
    transport: str = "tcp"
    banner: bytes = b""
    tls: bool = False
    name: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)


ProbeRun = Callable[[Gate, ServiceTarget, Policy], Awaitable[Any]]


@dataclass(frozen=True)
class ProbeSpec:
    """A probe: its name, how intrusive it is, when it applies and what it records."""

    name: str
    intrusiveness: Intrusiveness
    facts_type: type
    applies: Callable[[ServiceTarget], bool]
    run: ProbeRun
    description: str = ""


async def attempt(spec: ProbeSpec, gate: Gate, target: ServiceTarget, policy: Policy) -> Attempt[Any]:
    """Run a probe so that nothing it meets (refusal, garbage, silence) escapes as a crash."""
    if not spec.applies(target):
        return Attempt(spec.name, AttemptStatus.NOT_APPLICABLE)
    try:
        facts = await spec.run(gate, target, policy)
    except OutOfScope as exc:
        return Attempt(spec.name, AttemptStatus.ERROR, reason=f"refused by scope: {exc}")
    except TimeoutError:
        return Attempt(spec.name, AttemptStatus.ERROR, reason="timeout: no answer in time")
    except ssl.SSLError as exc:
        return Attempt(spec.name, AttemptStatus.ERROR, reason=f"tls: {exc.reason or exc}")
    except ProtocolError as exc:
        return Attempt(spec.name, AttemptStatus.ERROR, reason=f"protocol: {exc}")
    except (ConnectionError, OSError, EOFError) as exc:
        return Attempt(spec.name, AttemptStatus.ERROR, reason=f"connectivity: {type(exc).__name__}")
    except Exception as exc:  # a probe bug must not end the scan; the reason says it was a bug
        return Attempt(spec.name, AttemptStatus.ERROR, reason=f"bug: {type(exc).__name__}: {exc}")
    return Attempt(spec.name, AttemptStatus.COMPLETED, facts=facts)
