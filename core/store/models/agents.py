"""Scan agents: every job sent to a segment's queue, who ran it and how it ended; jobs routed to agents."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Field, SQLModel

from muniscan.store.models.common import json_column, utcnow


class AgentRunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    LOST = "lost"  # its agent stopped heartbeating before it finished: the lease ran out


class AgentRun(SQLModel, table=True):
    """One queue message: written `queued` by the central node, then `running` and finished by the agent."""

    id: int | None = Field(default=None, primary_key=True)
    message_id: str = Field(index=True, unique=True, max_length=64)
    site: str = Field(index=True, max_length=100)
    status: str = Field(default=AgentRunStatus.QUEUED.value, max_length=16, index=True)
    agent: str | None = Field(default=None, max_length=200)
    policy_name: str | None = Field(default=None, max_length=200)
    # The job's policy as registered centrally: the agent reads it from the store, never from the message.
    policy_hash: str | None = Field(default=None, max_length=64)
    targets: list[str] = Field(default_factory=list, sa_column=json_column())
    time_limit: float | None = None
    schedule: str | None = Field(default=None, max_length=100)  # the scheduled job that sent it, if any
    scan_id: int | None = Field(default=None, foreign_key="scanrun.id")
    error: str | None = None
    queued_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    lease_until: datetime | None = None  # while running: the agent's heartbeat pushes it on; past it, lost
    deliveries: int = 0  # how often the queue handed the job to an agent (a redelivery counts again)
    note: str | None = None  # what a later delivery found, e.g. already completed


class Agent(SQLModel, table=True):
    """One agent process, seen through its heartbeat; its current jobs are its running AgentRun rows."""

    name: str = Field(primary_key=True, max_length=200)
    site: str = Field(index=True, max_length=100)
    host: str = Field(max_length=200)
    pid: int
    started_at: datetime = Field(default_factory=utcnow)
    heartbeat_at: datetime = Field(default_factory=utcnow)
    lease_seconds: float
    stopped_at: datetime | None = None


class RegisteredPolicy(SQLModel, table=True):
    """A policy the central node registered by its content hash; agent jobs run and are judged under it."""

    hash: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    content: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    registered_at: datetime = Field(default_factory=utcnow)


class AgentRoute(SQLModel, table=True):
    """A scheduled job whose runs are sent to the agents of its site instead of being scanned centrally."""

    schedule_id: int = Field(primary_key=True, foreign_key="schedule.id", ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)
    broker_url: str | None = Field(default=None, max_length=500)  # None: MUNISCAN_BROKER_URL where the job runs
