"""The agent's side: consume one site's queue, run each job with run_scan, record how it ended.

A message that does not name a job the central node recorded as queued is refused and recorded. A job that
fails in any way (above the agent's ceiling, out of scope, time limit, scan error) is recorded as failed and
acknowledged; it never stops the worker and is never retried, since a retry would probe the devices again.
Each job runs under a lease that the agent's heartbeat keeps fresh (see leases): the message id is the job's
idempotency key, so a second delivery of a job that is done or still running is recorded, not scanned.
"""

import logging
import os
import socket
import threading
from typing import Any

import dramatiq
from dramatiq import Broker, Worker
from dramatiq.middleware import CurrentMessage

from muniscan.agents.broker import ACTOR, AgentError, make_broker, queue_name
from muniscan.agents.ceiling import AgentCeiling, within_ceiling
from muniscan.agents.jobs import read_reference
from muniscan.agents.leases import (
    DEFAULT_HEARTBEAT,
    DEFAULT_LEASE,
    Heartbeat,
    attach_scan,
    claim,
    finish,
    register,
    stopped,
)
from muniscan.agents.records import record_refused
from muniscan.agents.registry import registered_policy
from muniscan.pipeline import run_scan
from muniscan.store import Store
from muniscan.store.models import AgentRun, AgentRunStatus, ScanRun

log = logging.getLogger(__name__)


def agent_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_job(
    store: Store,
    site: str,
    agent: str,
    ceiling: AgentCeiling,
    message_id: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    lease: float = DEFAULT_LEASE,
) -> AgentRun | None:
    """One job: the message only names it; the job (policy by hash, targets, time limit) comes from the central
    store, then the agent's own ceiling, then the policy's scope, as ever. None when the job was already done
    or is held by another agent under a live lease (the delivery is noted on the job)."""
    try:
        read_reference(args, kwargs, site)
        run = claim(store, message_id, site, agent, lease)
    except AgentError as exc:
        log.warning("message %s refused: %s", message_id, exc)
        return record_refused(store, message_id, site, agent, str(exc)[:2000])
    if run is None:
        return None

    def started(scan: ScanRun) -> None:
        attach_scan(store, message_id, scan)

    try:
        if not run.policy_hash:
            raise AgentError("the recorded job names no registered policy")
        policy = within_ceiling(registered_policy(store, run.policy_hash), run.targets, ceiling)
        outcome = run_scan(store, policy, run.targets, site=site, time_limit=run.time_limit, started=started)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        log.warning("job %s failed: %s", message_id, error)
        finish(store, run, agent, AgentRunStatus.FAILED, error=error)
        return run
    log.info("job %s: scan %s completed", message_id, outcome.scan.id)
    finish(store, run, agent, AgentRunStatus.COMPLETED, scan_id=outcome.scan.id)
    return run


def build_worker(
    broker: Broker,
    store: Store,
    site: str,
    agent: str,
    ceiling: AgentCeiling,
    threads: int = 1,
    lease: float = DEFAULT_LEASE,
) -> Worker:
    """A Dramatiq worker on this site's queue only; it prefetches no more jobs than it has threads, so an idle
    agent of the same site is not starved."""
    queue = queue_name(site)

    def scan_job(*args: Any, **kwargs: Any) -> None:
        message = CurrentMessage.get_current_message()
        run_job(store, site, agent, ceiling, message.message_id if message else "unknown", args, kwargs, lease)

    dramatiq.actor(scan_job, broker=broker, actor_name=ACTOR, queue_name=queue)
    worker = Worker(broker, queues={queue}, worker_threads=threads)
    worker.queue_prefetch = threads
    return worker


def serve(
    store_url: str,
    broker_url: str,
    namespace: str,
    site: str,
    ceiling: AgentCeiling,
    name: str | None,
    threads: int,
    stop: threading.Event,
    stop_timeout: float,
    heartbeat: float = DEFAULT_HEARTBEAT,
    lease: float = DEFAULT_LEASE,
) -> None:
    """Run one worker until `stop` is set; then finish the jobs in hand (up to `stop_timeout` seconds) and
    put prefetched ones back on the queue. The heartbeat runs from before the first job to after the last."""
    store, broker = Store(store_url), make_broker(broker_url, namespace)
    agent = name or agent_name()
    register(store, agent, site, lease)
    beat = Heartbeat(store, agent, heartbeat, lease)
    beat.start()
    worker = build_worker(broker, store, site, agent, ceiling, threads, lease)
    worker.start()
    log.info("agent %s consuming %s", agent, queue_name(site))
    try:
        stop.wait()
    finally:
        worker.stop(timeout=int(stop_timeout * 1000))
        beat.stop()
        stopped(store, agent)
        broker.close()
        store.dispose()
