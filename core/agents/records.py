"""AgentRun rows: queued by the central node, taken and finished by the agent, keyed by the message id."""

from sqlmodel import col, select

from muniscan.store import Store
from muniscan.store.models import AgentRun, AgentRunStatus
from muniscan.store.models.common import utcnow


def record_queued(store: Store, run: AgentRun) -> AgentRun:
    """Written before the message is sent, so a fast agent always finds the row."""
    with store.session() as session:
        session.add(run)
        session.commit()
    return run


def record_started(store: Store, message_id: str, site: str, agent: str) -> AgentRun:
    """The agent takes the job; a message queued by other means (or redelivered) gets or reuses its row."""
    with store.session() as session:
        run = session.exec(select(AgentRun).where(AgentRun.message_id == message_id)).first()
        run = run or AgentRun(message_id=message_id, site=site)
        run.status, run.agent, run.started_at = AgentRunStatus.RUNNING.value, agent, utcnow()
        run.finished_at, run.error = None, None
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
