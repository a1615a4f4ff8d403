"""Agent jobs under a lease, so that a dead agent never leaves a job or scan `running` and no job is scanned twice.

An agent's heartbeat (every few seconds) refreshes its Agent row and pushes on the lease of each job it runs.
Any process that finds a running job past its lease (another agent's heartbeat, `agent dispatch`, `agent status`,
`agent runs`) marks the job and its scan `lost`. The message id is the job's idempotency key: a delivery of a job
that is completed, failed, or running under a live lease is recorded ("already ...") and not scanned; a job that
was lost may be taken again, so a redelivered job completes elsewhere.
"""

import logging
import os
import socket
import threading
from datetime import timedelta

from sqlalchemy import and_, or_, update
from sqlmodel import col, select

from muniscan.agents.broker import AgentError
from muniscan.store import Store
from muniscan.store.models import Agent, AgentRun, AgentRunStatus, ScanRun, ScanStatus
from muniscan.store.models.common import utcnow

log = logging.getLogger(__name__)

DEFAULT_HEARTBEAT = 5.0
DEFAULT_LEASE = 30.0
RUNNING, LOST = AgentRunStatus.RUNNING.value, AgentRunStatus.LOST.value


def claim(store: Store, message_id: str, site: str, agent: str, lease: float) -> AgentRun | None:
    """Take the job in one conditional UPDATE (queued, lost, or running under a lease that ran out), so two
    deliveries never both scan. None when it is not to be scanned: the delivery is counted and noted instead.
    A message naming no job the central node recorded for this site is refused (AgentError). Expired jobs are
    reaped first, so a job taken over from a dead agent leaves its old scan marked lost."""
    reap_lost(store)
    now = utcnow()
    takeable = or_(
        col(AgentRun.status).in_([AgentRunStatus.QUEUED.value, LOST]),
        and_(col(AgentRun.status) == RUNNING, col(AgentRun.lease_until) < now),
    )
    with store.session() as session:
        taken = session.execute(
            update(AgentRun)
            .where(col(AgentRun.message_id) == message_id, col(AgentRun.site) == site, takeable)
            .values(
                status=RUNNING,
                agent=agent,
                started_at=now,
                finished_at=None,
                lease_until=now + timedelta(seconds=lease),
                deliveries=col(AgentRun.deliveries) + 1,
                note=col(AgentRun.error),
                error=None,
            )
        )
        session.commit()
        run = session.exec(select(AgentRun).where(AgentRun.message_id == message_id)).first()
        if taken.rowcount == 1 and run is not None:  # type: ignore[attr-defined]
            return run
        if run is None:
            raise AgentError("the message names a job the central node did not record")
        if run.site != site:
            raise AgentError(f"job {message_id} is for site {run.site}, not {site}")
        held = "running on " + (run.agent or "?") if run.status == RUNNING else run.status
        session.execute(
            update(AgentRun)
            .where(col(AgentRun.id) == run.id)
            .values(
                deliveries=col(AgentRun.deliveries) + 1,
                note=f"delivered again at {now:%Y-%m-%d %H:%M:%S} UTC to {agent}: already {held}; not scanned",
            )
        )
        session.commit()
    log.info("job %s delivered again: already %s, not scanned", message_id, held)
    return None


def attach_scan(store: Store, message_id: str, scan: ScanRun) -> None:
    """Link the job to its scan as soon as the scan row exists, so a lost job also marks its scan lost."""
    with store.session() as session:
        session.execute(update(AgentRun).where(col(AgentRun.message_id) == message_id).values(scan_id=scan.id))
        session.commit()


def finish(
    store: Store,
    run: AgentRun,
    agent: str,
    status: AgentRunStatus,
    scan_id: int | None = None,
    error: str | None = None,
) -> bool:
    """Record how the job ended, only while this agent still holds it (a job already taken as lost keeps its
    record); returns whether it did."""
    with store.session() as session:
        done = session.execute(
            update(AgentRun)
            .where(col(AgentRun.id) == run.id, col(AgentRun.agent) == agent, col(AgentRun.status) == RUNNING)
            .values(
                status=status.value,
                scan_id=scan_id if scan_id is not None else col(AgentRun.scan_id),
                error=error,
                finished_at=utcnow(),
                lease_until=None,
            )
        )
        session.commit()
    if done.rowcount != 1:  # type: ignore[attr-defined]
        log.warning(
            "job %s ended (%s) after its lease was taken as lost; its record is left as it is",
            run.message_id,
            status.value,
        )
        return False
    return True


def register(store: Store, name: str, site: str, lease: float) -> None:
    """The agent's row, written when it starts (a restart under the same name starts it afresh)."""
    now = utcnow()
    with store.session() as session:
        agent = session.get(Agent, name) or Agent(name=name, site=site, host="", pid=0, lease_seconds=lease)
        agent.site, agent.host, agent.pid, agent.lease_seconds = site, socket.gethostname(), os.getpid(), lease
        agent.started_at, agent.heartbeat_at, agent.stopped_at = now, now, None
        session.add(agent)
        session.commit()


def heartbeat(store: Store, name: str, lease: float) -> None:
    """Say the agent is alive and push on the lease of every job it runs."""
    now = utcnow()
    with store.session() as session:
        session.execute(update(Agent).where(col(Agent.name) == name).values(heartbeat_at=now))
        session.execute(
            update(AgentRun)
            .where(col(AgentRun.agent) == name, col(AgentRun.status) == RUNNING)
            .values(lease_until=now + timedelta(seconds=lease))
        )
        session.commit()


def stopped(store: Store, name: str) -> None:
    with store.session() as session:
        session.execute(update(Agent).where(col(Agent.name) == name).values(stopped_at=utcnow()))
        session.commit()


def reap_lost(store: Store) -> list[AgentRun]:
    """Mark every running job past its lease `lost`, and its scan if still running; returns those jobs."""
    now = utcnow()
    lost: list[AgentRun] = []
    with store.session() as session:
        expired = session.exec(
            select(AgentRun).where(col(AgentRun.status) == RUNNING, col(AgentRun.lease_until) < now)
        ).all()
        for run in expired:
            why = (
                f"lost: agent {run.agent} stopped heartbeating; its lease ran out at "
                f"{run.lease_until:%Y-%m-%d %H:%M:%S} UTC"
            )
            taken = session.execute(
                update(AgentRun)
                .where(col(AgentRun.id) == run.id, col(AgentRun.status) == RUNNING, col(AgentRun.lease_until) < now)
                .values(status=LOST, error=why, finished_at=now, lease_until=None)
            )
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                continue
            if run.scan_id is not None:
                session.execute(
                    update(ScanRun)
                    .where(col(ScanRun.id) == run.scan_id, col(ScanRun.status) == ScanStatus.RUNNING)
                    .values(status=ScanStatus.LOST.value, finished_at=now, error=why)
                )
            lost.append(run)
        session.commit()
    for run in lost:
        log.warning("job %s (scan %s) on agent %s marked lost", run.message_id, run.scan_id, run.agent)
    return lost


class Heartbeat(threading.Thread):
    """Beats every `interval` seconds until stopped; each beat also reaps other agents' lost jobs."""

    def __init__(self, store: Store, name: str, interval: float, lease: float) -> None:
        super().__init__(name=f"heartbeat-{name}", daemon=True)
        self.store, self.agent, self.interval, self.lease = store, name, interval, lease
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.wait(self.interval):
            try:
                heartbeat(self.store, self.agent, self.lease)
                reap_lost(self.store)
            except Exception as exc:  # the store is briefly unreachable: beat again next time
                log.warning("heartbeat of %s failed: %s: %s", self.agent, type(exc).__name__, exc)

    def stop(self) -> None:
        self.halt.set()
        self.join(self.interval + 5)
