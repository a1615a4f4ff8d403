"""Given a PostgreSQL store whose connection drops in the middle of a transaction (the server ends the session),
when muniscan writes what a scan observed, then the write is tried again on a new connection and nothing is lost;
an error that is not a dropped connection is not retried."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from muniscan.store import Store
from muniscan.store.models import ScanRun


def test_a_write_whose_connection_drops_is_retried_and_kept(store: Store) -> None:
    if not store.url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL: SQLite has no connection to drop")
    calls = []

    def record(session: Session) -> int:
        calls.append(1)
        scan = ScanRun(policy_name="p", policy_hash="h")
        session.add(scan)
        session.flush()
        if len(calls) == 1:
            session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))  # the server drops us
        return scan.id  # type: ignore[return-value]

    store.write(record)
    assert len(calls) == 2
    with store.session() as session:
        assert len(session.exec(select(ScanRun)).all()) == 1  # kept once, not lost and not doubled


def test_other_database_errors_are_not_retried(store: Store) -> None:
    calls = []

    def broken(session: Session) -> None:
        calls.append(1)
        session.execute(text("SELECT * FROM no_such_table"))

    with pytest.raises(DBAPIError):
        store.write(broken)
    assert calls == [1]
