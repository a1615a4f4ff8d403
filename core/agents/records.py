"""AgentRun rows: queued by the central node, taken and finished by the agent, keyed by the message id."""

from sqlalchemy import update
from sqlmodel import col, select

from muniscan.agents.broker import AgentError
from muniscan.store import Store
from muniscan.store.models import AgentRun, AgentRunStatus
from muniscan.store.models.common import utcnow


def record_queued(store: Store, run: AgentRun) -> AgentRun:
    """Written before the message is sent, so a fast agent always finds the row."""
    with store.session() as session:
        session.add(run)
        session.commit()
    return run


def claim_queued(store: Store, message_id: str, site: str, agent: str) -> AgentRun:
    """Take a job the central node recorded as queued for this site (queued -> running in one UPDATE, so two
    agents never take one job); an id it did not record, or no longer queued, is refused."""
    with store.session() as session:
        taken = session.execute(
            update(AgentRun)
            .where(
                col(AgentRun.message_id) == message_id,
                col(AgentRun.site) == site,
                col(AgentRun.status) == AgentRunStatus.QUEUED.value,
            )
            .values(status=AgentRunStatus.RUNNING.value, agent=agent, started_at=utcnow())
        )
        session.commit()
        run = session.exec(select(AgentRun).where(AgentRun.message_id == message_id)).first()
    if run is None:
        raise AgentError("the message names a job the central node did not record")
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise AgentError(f"job {message_id} is {run.status} for site {run.site}, not queued for {site}")
    return run


def record_refused(store: Store, message_id: str, site: str, agent: str, error: str) -> AgentRun | None:
    """A refused message is recorded as a failed row; a row the central node wrote is failed only while still
    queued (a replayed message never rewrites how a job ended)."""
    with store.session() as session:
        run = session.exec(select(AgentRun).where(AgentRun.message_id == message_id)).first()
        if run is not None and run.status != AgentRunStatus.QUEUED.value:
            return None
        run = run or AgentRun(message_id=message_id[:64], site=site[:100])
        run.status, run.agent, run.error, run.finished_at = AgentRunStatus.FAILED.value, agent, error, utcnow()
        session.add(run)
        session.commit()
    return run


def record_finished(
    store: Store, run: AgentRun, status: AgentRunStatus, scan_id: int | None = None, error: str | None = None
) -> AgentRun:
    with store.session() as session:
        run.status, run.scan_id, run.error, run.finished_at = status.value, scan_id, error, utcnow()
        session.add(run)
        session.commit()
    return run


def recent_runs(store: Store, site: str | None = None, limit: int = 50) -> list[AgentRun]:
    with store.session() as session:
        query = select(AgentRun)
        if site:
            query = query.where(AgentRun.site == site)
        return list(session.exec(query.order_by(col(AgentRun.id).desc()).limit(limit)).all())
