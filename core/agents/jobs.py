"""A job as the central node records it, and the message that only names it.

The message carries no job content: the agent reads the job (policy by hash, targets, time limit) from the
central store by the message id, and refuses an id the central node did not record as queued. So whoever can
write to the queue cannot choose a policy, a severity, a rate or a port.
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from muniscan.agents.broker import AgentError
from muniscan.policies import Policy

FORMAT = 2


class AgentJob(BaseModel):
    """What the central node records for a job; `policy` is loaded centrally, with `extends` merged."""

    site: str
    policy: Policy
    targets: list[str] = Field(default_factory=list)
    time_limit: float | None = Field(default=None, gt=0)


class JobReference(BaseModel):
    """The whole message body: which format and site; the message id names the job in the store."""

    model_config = ConfigDict(extra="forbid")

    format: Literal[2] = FORMAT
    site: str


def job_for(policy: Policy, site: str, targets: list[str], time_limit: float | None = None) -> AgentJob:
    return AgentJob(site=site, policy=policy, targets=targets, time_limit=time_limit)


def validation_errors(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or '(top level)'}: {e['msg']}" for e in exc.errors())


def read_reference(args: tuple[Any, ...], kwargs: dict[str, Any], site: str) -> JobReference:
    """Validate a received message: a reference to a recorded job, for this site, with nothing else in it."""
    if args:
        raise AgentError("bad job message: positional arguments")
    try:
        reference = JobReference.model_validate(kwargs)
    except ValidationError as exc:
        raise AgentError(
            f"bad job message (a message names a recorded job, nothing more): {validation_errors(exc)}"
        ) from None
    if reference.site != site:
        raise AgentError(f"the job is for site '{reference.site}', this agent serves '{site}'")
    return reference
