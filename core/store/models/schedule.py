"""Scheduled scans and the record of every run, skipped overlap and failure."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from muniscan.store.models.common import json_column, utcnow


class RunStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    SKIPPED = "skipped"  # the previous run of the job still held its lease


class Schedule(SQLModel, table=True):
    """A named job: when (cron or every N seconds), what (policy, targets, site) and who runs it now (lease)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True, max_length=100)
    cron: str | None = Field(default=None, max_length=100)
    every_seconds: int | None = None
    policy: str = Field(max_length=1000)  # a policy file path or a shipped profile name
    targets: list[str] = Field(default_factory=list, sa_column=json_column())
    site: str = Field(default="default", max_length=100)
    checks_dirs: list[str] = Field(default_factory=list, sa_column=json_column())
    max_runtime_seconds: int = 6 * 3600  # the lease length: a crashed runner blocks the job no longer
    enabled: bool = True
    next_run_at: datetime
    lease_owner: str | None = Field(default=None, max_length=200)
    lease_until: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class ScheduleRun(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    schedule_id: int = Field(foreign_key="schedule.id", index=True)
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    status: str = Field(default=RunStatus.RUNNING.value, max_length=16)
    reason: str | None = None
    scan_id: int | None = Field(default=None, foreign_key="scanrun.id")
    worker: str = Field(default="", max_length=200)
    message_id: str | None = Field(default=None, index=True, max_length=64)  # when sent to agents: their job
