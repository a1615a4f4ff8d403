"""The job a message carries: the policy's content (the agent has no policy files), targets and a time limit."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from muniscan.agents.broker import AgentError
from muniscan.policies import Policy
from muniscan.policies.schema import Scope as ScopePolicy
from muniscan.scanner.scope import Scope

FORMAT = 1


class AgentJob(BaseModel):
    """The message body. `policy` is the policy as loaded centrally, with `extends` already merged."""

    model_config = ConfigDict(extra="forbid")

    format: Literal[1] = FORMAT
    site: str
    policy: dict[str, Any]
    targets: list[str] = Field(default_factory=list)
    time_limit: float | None = Field(default=None, gt=0)


def job_for(policy: Policy, site: str, targets: list[str], time_limit: float | None = None) -> AgentJob:
    return AgentJob(site=site, policy=policy.model_dump(mode="json"), targets=targets, time_limit=time_limit)


def _errors(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or '(top level)'}: {e['msg']}" for e in exc.errors())


def read_job(kwargs: dict[str, Any], site: str) -> tuple[AgentJob, Policy]:
    """Validate a received message as the central node validated it; a message for another site is refused."""
    try:
        job = AgentJob.model_validate(kwargs)
    except ValidationError as exc:
        raise AgentError(f"bad job message: {_errors(exc)}") from None
    if job.site != site:
        raise AgentError(f"the job is for site '{job.site}', this agent serves '{site}'")
    try:
        policy = Policy.model_validate(job.policy)
    except ValidationError as exc:
        raise AgentError(f"bad policy in the job message: {_errors(exc)}") from None
    return job, policy


def agent_ceiling(networks: list[str], never_touch_ports: list[str]) -> Scope:
    """The agent's own limit, set where it runs: the segment it may scan and ports it never touches."""
    try:
        policy = ScopePolicy(include=networks, never_touch_ports=never_touch_ports)
    except ValidationError as exc:
        raise AgentError(f"agent scope: {_errors(exc)}") from None
    if not policy.include:
        raise AgentError("an agent needs its own scope (--scope CIDR): the networks of its segment")
    return Scope.from_policy(policy)


def within_ceiling(job: AgentJob, policy: Policy, ceiling: Scope) -> Policy:
    """Refuse a job whose targets (or, without targets, whose policy scope) reach past the agent's own scope,
    so whoever can write to the queue cannot widen what the agent scans; the agent's never-touch ports are
    added to the policy's."""
    specs = job.targets or policy.scope.include
    outside = [spec for spec in specs if not ceiling.covers(spec)]
    if outside:
        raise AgentError(f"outside this agent's own scope: {', '.join(outside)}")
    ports = sorted({str(p) for p in policy.scope.never_touch_ports} | {str(p) for p in ceiling.never_touch_ports})
    return policy.model_copy(update={"scope": policy.scope.model_copy(update={"never_touch_ports": ports})})
