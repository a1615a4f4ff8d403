"""The attempt record that wraps what a probe found.

An attempt is not a verdict: "the device did not answer" is an error attempt, never a pass
or a fail (after sslyze's ScanCommandAttempt).
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

F = TypeVar("F")


class AttemptStatus(StrEnum):
    COMPLETED = "completed"
    ERROR = "error"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class Attempt(Generic[F]):
    probe: str
    status: AttemptStatus
    facts: F | None = None
    reason: str | None = None
