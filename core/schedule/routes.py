"""Scheduled jobs routed to agents: the scheduler queues their runs for the job's site instead of scanning."""

from datetime import timedelta

from sqlalchemy.engine import make_url
from sqlmodel import col, select

from muniscan.agents.broker import AgentError, broker_from_env, broker_from_env_namespace, make_broker, queue_name
from muniscan.agents.dispatch import dispatch
from muniscan.agents.jobs import job_for
from muniscan.policies import Policy
from muniscan.schedule.jobs import job_named
from muniscan.schedule.runner import SkipRun
from muniscan.store import Store
from muniscan.store.models import AgentRoute, AgentRun, AgentRunStatus, Schedule
from muniscan.store.models.common import utcnow

UNFINISHED = (AgentRunStatus.QUEUED.value, AgentRunStatus.RUNNING.value)


def set_route(store: Store, name: str, routed: bool, broker_url: str | None = None) -> Schedule:
    """Route a job to its site's agents (or back to the central scheduler), through `broker_url` when given
    (else MUNISCAN_BROKER_URL where the scheduler runs). A URL with a password is refused: the store is no
    place for a secret, so such a broker is named in the scheduler's environment instead."""
    if broker_url is not None:
        make_broker(broker_url).close()  # a bad URL is refused now, not at the first trigger
        if make_url(broker_url).password:
            raise AgentError(
                "the broker URL holds a password: set MUNISCAN_BROKER_URL in the scheduler's "
                "environment (/etc/muniscan/env) instead of storing it with the route"
            )
    with store.session() as session:
        job = job_named(session, name)
        if routed:
            queue_name(job.site)
            if job.checks_dirs:
                raise AgentError(f"job '{name}' uses extra check folders, which exist on the central node only")
            route = session.get(AgentRoute, job.id) or AgentRoute(schedule_id=job.id)  # type: ignore[arg-type]
            route.broker_url = broker_url
            session.add(route)
        elif (route := session.get(AgentRoute, job.id)) is not None:
            session.delete(route)
        session.commit()
    return job


def dispatch_if_routed(store: Store, job: Schedule, policy: Policy) -> str | None:
    """The message id when the job is routed to agents and was queued; None when it runs centrally."""
    with store.session() as session:
        route = session.get(AgentRoute, job.id)
    if route is None:
        return None
    _refuse_overlap(store, job)
    broker = make_broker(route.broker_url, broker_from_env_namespace()) if route.broker_url else broker_from_env()
    try:
        job_message = job_for(policy, job.site, list(job.targets), float(job.max_runtime_seconds))
        return dispatch(broker, store, job_message, schedule=job.name)
    finally:
        broker.close()


def _refuse_overlap(store: Store, job: Schedule) -> None:
    """Two runs of one job never overlap, on agents too: a run queued within the job's max runtime that has not
    finished makes this trigger a skipped run (an older one is taken as lost, so a dead agent blocks nothing)."""
    since = utcnow() - timedelta(seconds=job.max_runtime_seconds)
    with store.session() as session:
        pending = session.exec(
            select(AgentRun).where(
                AgentRun.schedule == job.name, col(AgentRun.status).in_(UNFINISHED), col(AgentRun.queued_at) > since
            )
        ).first()
    if pending is not None:
        raise SkipRun(
            f"the previous run is still {pending.status} on site {pending.site} (message {pending.message_id})"
        )
