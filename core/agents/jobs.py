"""The job a message carries: the policy's content (the agent has no policy files), targets and a time limit."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from muniscan.agents.broker import AgentError
from muniscan.policies import Policy

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
