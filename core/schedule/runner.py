"""Trigger due jobs, run each under a DB-row lease, and record every run, failure and skipped overlap.

Two guards make runs safe with several schedulers on one store: claiming a trigger is an UPDATE
conditioned on the old `next_run_at` (one claimer wins), and running needs the job's lease (an
UPDATE conditioned on the lease being free or expired). A trigger that finds the lease held is
recorded as skipped; a run that raises is recorded as failed; neither stops later triggers.
"""

import logging
import os
import socket
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from muniscan.policies import Policy, load_policy, load_profile
from muniscan.policies.loader import profile_names
from muniscan.schedule.jobs import job_named, next_time
from muniscan.store import Store
from muniscan.store.models import RunStatus, Schedule, ScheduleRun
from muniscan.store.models.common import utcnow

log = logging.getLogger(__name__)

DISPATCHED = "dispatched"  # a run handed to the agents of the job's site; `muniscan agent runs` shows the rest


class SkipRun(Exception):
    """The job must not run now (its previous run, handed to agents, is not finished); recorded as skipped."""


@dataclass(frozen=True)
class Dispatched:
    message_id: str
    site: str


Execute = Callable[[Store, Schedule], int | Dispatched | None]  # runs the job; returns the scan ID


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def job_policy(job: Schedule) -> Policy:
    is_profile = not Path(job.policy).exists() and job.policy in profile_names()
    return load_profile(job.policy) if is_profile else load_policy(job.policy)


def scan_job(store: Store, job: Schedule) -> int | Dispatched | None:
    """The real job: load the policy and run a scan (scope first, as any scan), or queue it for the agents of
    the job's site when the job is routed to them (`muniscan agent route`)."""
    from muniscan.pipeline import run_scan
    from muniscan.schedule.routes import dispatch_if_routed

    policy = job_policy(job)
    message_id = dispatch_if_routed(store, job, policy)
    if message_id is not None:
        return Dispatched(message_id, job.site)
    # The lease lasts max_runtime_seconds; stopping the scan by then keeps two runs of one job apart.
    outcome = run_scan(
        store,
        policy,
        list(job.targets),
        site=job.site,
        checks_dirs=tuple(map(Path, job.checks_dirs)),
        time_limit=job.max_runtime_seconds,
    )
    return outcome.scan.id


def _claim_trigger(session: Session, job: Schedule, now: datetime) -> bool:
    """Move the job's next trigger on; only one scheduler can move it from the value it read."""
    claimed = session.execute(
        update(Schedule)
        .where(col(Schedule.id) == job.id, col(Schedule.next_run_at) == job.next_run_at)
        .values(next_run_at=next_time(job, now))
    )
    session.commit()
    return claimed.rowcount == 1  # type: ignore[attr-defined]


def _take_lease(session: Session, job: Schedule, worker: str, now: datetime) -> bool:
    taken = session.execute(
        update(Schedule)
        .where(col(Schedule.id) == job.id)
        .where(or_(col(Schedule.lease_until).is_(None), col(Schedule.lease_until) < now))
        .values(lease_owner=worker, lease_until=now + timedelta(seconds=job.max_runtime_seconds))
    )
    session.commit()
    return taken.rowcount == 1  # type: ignore[attr-defined]


def start_run(store: Store, job: Schedule, worker: str) -> ScheduleRun:
    """Take the lease and open a run record, or record a skipped run when the lease is held."""
    now = utcnow()
    with store.session() as session:
        if _take_lease(session, job, worker, now):
            run = ScheduleRun(schedule_id=job.id, status=RunStatus.RUNNING.value, worker=worker)  # type: ignore[arg-type]
        else:
            holder = session.get(Schedule, job.id)
            until = holder.lease_until.isoformat() if holder and holder.lease_until else "?"
            owner = holder.lease_owner if holder else "?"
            run = ScheduleRun(
                schedule_id=job.id,  # type: ignore[arg-type]
                status=RunStatus.SKIPPED.value,
                finished_at=now,
                worker=worker,
                reason=f"the previous run is still running (lease held by {owner} until {until})",
            )
        session.add(run)
        session.commit()
    if run.status == RunStatus.SKIPPED.value:
        log.info("job %s skipped: %s", job.name, run.reason)
    return run


def finish_run(store: Store, job: Schedule, run: ScheduleRun, execute: Execute) -> ScheduleRun:
    """Run the job under the lease already taken; record how it ended; always release the lease."""
    log.info("job %s started (run %s, worker %s)", job.name, run.id, run.worker)
    try:
        result = execute(store, job)
        if isinstance(result, Dispatched):
            run.status, run.reason = DISPATCHED, f"message {result.message_id} queued for site {result.site}"
            run.message_id = result.message_id
        else:
            run.scan_id, run.status = result, RunStatus.COMPLETED.value
    except SkipRun as exc:
        run.status, run.reason = RunStatus.SKIPPED.value, str(exc)
    except BaseException as exc:  # a failed run is recorded, never fatal to the scheduler
        run.status, run.reason = RunStatus.FAILED.value, f"{type(exc).__name__}: {exc}"[:2000]
        if not isinstance(exc, Exception):
            raise
    finally:
        with store.session() as session:
            run.finished_at = utcnow()
            _log_outcome(job, run)
            session.add(run)
            session.execute(
                update(Schedule)
                .where(col(Schedule.id) == job.id, col(Schedule.lease_owner) == run.worker)
                .values(lease_owner=None, lease_until=None)
            )
            session.commit()
    return run


def _log_outcome(job: Schedule, run: ScheduleRun) -> None:
    seconds = (run.finished_at - run.started_at).total_seconds() if run.finished_at else 0.0
    outcome = f"scan {run.scan_id}" if run.scan_id is not None else (run.reason or "no scan")
    level = logging.WARNING if run.status == RunStatus.FAILED.value else logging.INFO
    log.log(level, "job %s ended %s after %.1fs: %s", job.name, run.status, seconds, outcome)


def run_job_now(store: Store, name: str, execute: Execute = scan_job) -> ScheduleRun:
    """One run of a named job in this process (what a systemd timer or cron line calls)."""
    with store.session() as session:
        job = job_named(session, name)
    log.info("job %s triggered by a system timer", name)
    run = start_run(store, job, worker_name())
    return run if run.status == RunStatus.SKIPPED.value else finish_run(store, job, run, execute)


def due_jobs(store: Store, now: datetime) -> list[Schedule]:
    with store.session() as session:
        query = select(Schedule).where(Schedule.enabled == True, col(Schedule.next_run_at) <= now)  # noqa: E712
        return list(session.exec(query.order_by(col(Schedule.next_run_at))).all())


def tick(
    store: Store, pool: ThreadPoolExecutor, execute: Execute, now: datetime | None = None
) -> list[Future[ScheduleRun]]:
    """Trigger every due job once: skipped overlaps are recorded here, runs go to the pool."""
    now = now or utcnow()
    started: list[Future[ScheduleRun]] = []
    for job in due_jobs(store, now):
        with store.session() as session:
            if not _claim_trigger(session, job, now):
                continue
        worker = f"{socket.gethostname()}:{os.getpid()}:{job.name}:{now.isoformat()}"
        log.info("job %s triggered (due %s UTC)", job.name, f"{job.next_run_at:%Y-%m-%d %H:%M:%S}")
        run = start_run(store, job, worker)
        if run.status != RunStatus.SKIPPED.value:
            started.append(pool.submit(finish_run, store, job, run, execute))
    return started


def run_scheduler(
    store: Store,
    stop: threading.Event,
    execute: Execute = scan_job,
    poll_seconds: float = 1.0,
    max_parallel: int = 4,
) -> None:
    """The long-running scheduler: poll the store for due jobs until `stop` is set."""
    with ThreadPoolExecutor(max_workers=max_parallel, thread_name_prefix="muniscan-job") as pool:
        while not stop.is_set():
            try:
                tick(store, pool, execute)
            except Exception as exc:  # the store may be briefly unreachable; try again next poll
                log.warning("scheduler tick failed: %s", exc)
            stop.wait(poll_seconds)
