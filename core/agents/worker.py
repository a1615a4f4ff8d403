"""The agent's side: consume one site's queue, run each job with run_scan, record how it ended.

A job that fails in any way (bad message, policy, scope, time limit, scan error) is recorded as failed and
acknowledged; it never stops the worker and is never retried, since a retry would probe the devices again.
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
from muniscan.agents.jobs import read_job, within_ceiling
from muniscan.agents.records import record_finished, record_started
from muniscan.pipeline import run_scan
from muniscan.scanner.scope import Scope
from muniscan.store import Store
from muniscan.store.models import AgentRun, AgentRunStatus

log = logging.getLogger(__name__)


def agent_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_job(
    store: Store, site: str, agent: str, ceiling: Scope, message_id: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> AgentRun:
    """One job: validated again here, because the agent runs whatever reaches its queue; the agent's own scope
    (`ceiling`) first, then the policy's, as ever."""
    run = record_started(store, message_id, site, agent)
    try:
        if args:
            raise AgentError("bad job message: positional arguments")
        job, policy = read_job(kwargs, site)
        policy = within_ceiling(job, policy, ceiling)
        run.policy_name, run.targets, run.time_limit = policy.name, job.targets, job.time_limit
        outcome = run_scan(store, policy, job.targets, site=site, time_limit=job.time_limit)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        log.warning("job %s failed: %s", message_id, error)
        return record_finished(store, run, AgentRunStatus.FAILED, error=error)
    log.info("job %s: scan %s completed", message_id, outcome.scan.id)
    return record_finished(store, run, AgentRunStatus.COMPLETED, scan_id=outcome.scan.id)


def build_worker(broker: Broker, store: Store, site: str, agent: str, ceiling: Scope, threads: int = 1) -> Worker:
    """A Dramatiq worker on this site's queue only; it prefetches no more jobs than it has threads, so an idle
    agent of the same site is not starved."""
    queue = queue_name(site)

    def scan_job(*args: Any, **kwargs: Any) -> None:
        message = CurrentMessage.get_current_message()
        run_job(store, site, agent, ceiling, message.message_id if message else "unknown", args, kwargs)

    dramatiq.actor(scan_job, broker=broker, actor_name=ACTOR, queue_name=queue)
    worker = Worker(broker, queues={queue}, worker_threads=threads)
    worker.queue_prefetch = threads
    return worker


def serve(store_url: str, broker_url: str, namespace: str, site: str, ceiling: Scope, name: str | None,
          threads: int, stop: threading.Event, stop_timeout: float) -> None:
    """Run one worker until `stop` is set; then finish the jobs in hand (up to `stop_timeout` seconds) and
    put prefetched ones back on the queue."""
    store, broker = Store(store_url), make_broker(broker_url, namespace)
    worker = build_worker(broker, store, site, name or agent_name(), ceiling, threads)
    worker.start()
    log.info("agent %s consuming %s", name or agent_name(), queue_name(site))
    try:
        stop.wait()
    finally:
        worker.stop(timeout=int(stop_timeout * 1000))
        broker.close()
        store.dispose()
