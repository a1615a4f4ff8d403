"""`agent status`: every agent the store has heard of, its site, last heartbeat and the jobs in its hands."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, select

from muniscan.agents.leases import RUNNING, reap_lost
from muniscan.store import Store
from muniscan.store.models import Agent, AgentRun
from muniscan.store.models.common import utcnow


@dataclass(frozen=True)
class AgentState:
    name: str
    site: str
    host: str
    pid: int
    state: str  # alive, silent (no heartbeat within its lease) or stopped
    started_at: datetime
    heartbeat_at: datetime
    seconds_since_heartbeat: float
    jobs: list[str]  # message ids it runs now
    scans: list[int]  # their scan ids, where the scan has started


def _state(agent: Agent, now: datetime) -> str:
    if agent.stopped_at is not None:
        return "stopped"
    return "alive" if now - agent.heartbeat_at <= timedelta(seconds=agent.lease_seconds) else "silent"


def roster(store: Store, site: str | None = None) -> list[AgentState]:
    """Lost jobs are reaped first, so a dead agent shows no job it no longer runs."""
    reap_lost(store)
    now = utcnow()
    with store.session() as session:
        query = select(Agent).order_by(col(Agent.site), col(Agent.name))
        agents = session.exec(query.where(Agent.site == site) if site else query).all()
        running = session.exec(select(AgentRun).where(col(AgentRun.status) == RUNNING)).all()
    held: dict[str, list[AgentRun]] = {}
    for run in running:
        held.setdefault(run.agent or "", []).append(run)
    return [
        AgentState(
            a.name,
            a.site,
            a.host,
            a.pid,
            _state(a, now),
            a.started_at,
            a.heartbeat_at,
            round((now - a.heartbeat_at).total_seconds(), 1),
            [r.message_id for r in held.get(a.name, [])],
            [r.scan_id for r in held.get(a.name, []) if r.scan_id is not None],
        )
        for a in agents
    ]
