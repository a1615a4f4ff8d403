"""The agent's own ceiling, set where it runs: a job that asks for more is refused, never trimmed.

The segment it may scan, the highest intrusiveness, rate and concurrency caps, the ports it may probe, and
never-touch ports (the shipped ones always, plus its own) that are added to every job's policy.
"""

from dataclasses import dataclass

from pydantic import ValidationError

from muniscan.agents.broker import AgentError
from muniscan.agents.jobs import validation_errors
from muniscan.policies import Policy
from muniscan.policies.schema import DEFAULT_NEVER_TOUCH, Intrusiveness
from muniscan.policies.schema import Scope as ScopePolicy
from muniscan.scanner.scope import Scope, parse_ports


@dataclass(frozen=True)
class AgentCeiling:
    scope: Scope
    max_intrusiveness: Intrusiveness = Intrusiveness.SAFE
    max_packets_per_second: float = 500.0
    max_per_host_concurrency: int = 2
    max_global_concurrency: int = 128
    ports: frozenset[int] | None = None  # None: any port that is not never-touch

    @property
    def never_touch_ports(self) -> list[str]:
        return [str(p) for p in self.scope.never_touch_ports]


_RANK = list(Intrusiveness)


def agent_ceiling(
    networks: list[str],
    never_touch_ports: list[str],
    max_intrusiveness: Intrusiveness = Intrusiveness.SAFE,
    max_packets_per_second: float = 500.0,
    max_per_host_concurrency: int = 2,
    max_global_concurrency: int = 128,
    ports: list[str] | None = None,
) -> AgentCeiling:
    """Build and check the ceiling; the shipped never-touch ports are part of it whatever is given."""
    try:
        policy = ScopePolicy(include=networks, never_touch_ports=[*DEFAULT_NEVER_TOUCH, *never_touch_ports])
        allowed = frozenset(parse_ports(ports)) if ports else None
    except (ValidationError, ValueError) as exc:
        detail = validation_errors(exc) if isinstance(exc, ValidationError) else str(exc)
        raise AgentError(f"agent scope: {detail}") from None
    if not policy.include:
        raise AgentError("an agent needs its own scope (--scope CIDR): the networks of its segment")
    if max_packets_per_second <= 0 or max_per_host_concurrency < 1 or max_global_concurrency < 1:
        raise AgentError("agent limits: rate and concurrency caps must be positive")
    return AgentCeiling(
        Scope.from_policy(policy),
        max_intrusiveness,
        max_packets_per_second,
        max_per_host_concurrency,
        max_global_concurrency,
        allowed,
    )


def _above(policy: Policy, ceiling: AgentCeiling) -> list[str]:
    reasons = []
    allowed = [level for level in policy.probes.allow if _RANK.index(level) > _RANK.index(ceiling.max_intrusiveness)]
    if allowed:
        reasons.append(f"probes.allow {', '.join(allowed)} above this agent's {ceiling.max_intrusiveness.value}")
    rate = policy.rate
    caps = (
        ("rate.packets_per_second", rate.packets_per_second, ceiling.max_packets_per_second),
        ("rate.per_host_concurrency", rate.per_host_concurrency, ceiling.max_per_host_concurrency),
        ("rate.global_concurrency", rate.global_concurrency, ceiling.max_global_concurrency),
    )
    for field, asked, cap in caps:
        if asked > cap:
            reasons.append(f"{field} {asked:g} above this agent's {cap:g}")
    if ceiling.ports is not None:
        asked_ports = set(parse_ports(policy.discovery.tcp_ports)) | set(parse_ports(policy.discovery.udp_ports))
        extra = sorted(asked_ports - ceiling.ports)
        if extra:
            reasons.append(f"ports {', '.join(map(str, extra[:10]))} not in this agent's port list")
    return reasons


def within_ceiling(policy: Policy, targets: list[str], ceiling: AgentCeiling) -> Policy:
    """Refuse a job that reaches past the agent's scope or asks for more than its caps; the returned policy
    carries the agent's never-touch ports (shipped and its own) as well as the policy's."""
    specs = targets or policy.scope.include
    outside = [spec for spec in specs if not ceiling.scope.covers(spec)]
    if outside:
        raise AgentError(f"outside this agent's own scope: {', '.join(outside)}")
    reasons = _above(policy, ceiling)
    if reasons:
        raise AgentError("above this agent's ceiling: " + "; ".join(reasons))
    ports = sorted({str(p) for p in policy.scope.never_touch_ports} | set(ceiling.never_touch_ports))
    return policy.model_copy(update={"scope": policy.scope.model_copy(update={"never_touch_ports": ports})})
