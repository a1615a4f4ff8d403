"""Define, time and list scheduled jobs."""

from datetime import datetime, timedelta
from pathlib import Path

from croniter import croniter
from sqlmodel import Session, col, delete, select

from muniscan.store.models import Schedule, ScheduleRun
from muniscan.store.models.common import utcnow


class ScheduleError(ValueError):
    """A job definition that cannot be used; the message says why."""


def next_time(schedule: Schedule, after: datetime) -> datetime:
    """The next trigger strictly after `after`."""
    if schedule.every_seconds:
        return after + timedelta(seconds=schedule.every_seconds)
    return croniter(str(schedule.cron), after).get_next(datetime)  # type: ignore[no-any-return]


def add_job(
    session: Session,
    name: str,
    policy: str,
    cron: str | None = None,
    every_seconds: int | None = None,
    targets: list[str] | None = None,
    site: str = "default",
    checks_dirs: list[str] | None = None,
    max_runtime_seconds: int = 6 * 3600,
) -> Schedule:
    if (cron is None) == (every_seconds is None):
        raise ScheduleError("give exactly one of --cron EXPRESSION or --every SECONDS")
    if cron is not None and not croniter.is_valid(cron):
        raise ScheduleError(f"'{cron}' is not a cron expression (minute hour day month weekday)")
    if every_seconds is not None and every_seconds < 1:
        raise ScheduleError("--every must be at least 1 second")
    if session.exec(select(Schedule).where(Schedule.name == name)).first() is not None:
        raise ScheduleError(f"a job named '{name}' already exists")
    stored_policy = str(Path(policy).resolve()) if Path(policy).exists() else policy
    job = Schedule(
        name=name,
        cron=cron,
        every_seconds=every_seconds,
        policy=stored_policy,
        targets=targets or [],
        site=site,
        checks_dirs=[str(Path(d).resolve()) for d in checks_dirs or []],
        max_runtime_seconds=max_runtime_seconds,
        next_run_at=utcnow(),
    )
    job.next_run_at = next_time(job, utcnow())
    session.add(job)
    return job


def job_named(session: Session, name: str) -> Schedule:
    job = session.exec(select(Schedule).where(Schedule.name == name)).first()
    if job is None:
        raise ScheduleError(f"no scheduled job named '{name}'")
    return job


def remove_job(session: Session, name: str) -> None:
    """Remove a job and its run history; the runs go first, in their own statement, since they refer to it."""
    job = job_named(session, name)
    session.exec(delete(ScheduleRun).where(col(ScheduleRun.schedule_id) == job.id))  # type: ignore[call-overload]
    session.delete(job)
