"""The central node's side: check the job as any scan would be checked, record it, then queue it."""

from dramatiq import Broker, Message

from muniscan.agents.broker import ACTOR, AgentError, queue_name
from muniscan.agents.jobs import AgentJob, JobReference
from muniscan.agents.leases import reap_lost
from muniscan.agents.records import record_finished, record_queued
from muniscan.agents.registry import register_policy
from muniscan.scanner.engine import ScanPlan
from muniscan.store import Store
from muniscan.store.models import AgentRun, AgentRunStatus


def job_message(site: str) -> Message[None]:
    """The Dramatiq message for a job on the site's queue: it names the job (its message id) and nothing more."""
    reference = JobReference(site=site).model_dump()
    return Message(queue_name=queue_name(site), actor_name=ACTOR, args=(), kwargs=reference, options={})


def dispatch(broker: Broker, store: Store, job: AgentJob, schedule: str | None = None) -> str:
    """Queue a job for the agents of its site; returns the message id.

    The scope is checked here (ScanPlan.build sends nothing), so an out-of-scope target is refused before it
    is queued; the policy is registered by hash and the job recorded before the message names it.
    """
    ScanPlan.build(job.policy, job.targets)
    reap_lost(store)
    message = job_message(job.site)
    run = record_queued(
        store,
        AgentRun(
            message_id=message.message_id,
            site=job.site,
            policy_name=job.policy.name,
            policy_hash=register_policy(store, job.policy),
            targets=job.targets,
            time_limit=job.time_limit,
            schedule=schedule,
        ),
    )
    try:
        broker.enqueue(message)
    except Exception as exc:  # the broker is down: the row says so, the caller reports it
        record_finished(store, run, AgentRunStatus.FAILED, error=f"not queued: {type(exc).__name__}: {exc}")
        raise AgentError(f"cannot queue the job: {exc}") from exc
    return message.message_id
