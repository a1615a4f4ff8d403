"""Column helpers shared by the tables."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column


def utcnow() -> datetime:
    """Timestamps are aware and in UTC; the store returns them the same way on SQLite and PostgreSQL."""
    return datetime.now(UTC)


def json_column() -> Any:
    return Column(JSON, nullable=False, default=dict)
