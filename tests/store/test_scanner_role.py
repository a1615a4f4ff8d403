"""The agents' least-privilege PostgreSQL role on a real server: a scan through it completes, and it cannot
delete findings, touch risk acceptances or overrule a person's decision.

Own addresses: 127.105.0.17 and .18 (telnet-like devices on loopback)."""

import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from muniscan.lifecycle import accept_risk, mark_false_positive
from muniscan.pipeline import run_scan
from muniscan.policies import Policy
from muniscan.store import Store
from muniscan.store.models import Finding, RiskAcceptance
from muniscan.store.models.common import utcnow
from muniscan.store.scanner_role import scanner_role_sql
from tests.agents.agent_lab import TELNET, serving

DEVICES = ["127.105.0.17", "127.105.0.18"]
pytestmark = pytest.mark.postgres


@pytest.fixture
def scanner_url(store: Store) -> Iterator[str]:
    """The SQL of `muniscan db scanner-role`, run as the owner; the role is dropped afterwards (roles are
    cluster-wide)."""
    if not store.url.startswith("postgresql"):
        pytest.skip("roles and grants are PostgreSQL's")
    role = f"muniscan_scanner_{uuid.uuid4().hex[:8]}"
    with store.engine.begin() as connection:  # as psql runs it: no parameters, so '%' stays itself
        connection.connection.cursor().execute(scanner_role_sql(role))
    yield make_url(store.url).set(username=role, password=None).render_as_string(hide_password=False)
    admin = create_engine(make_url(store.url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP OWNED BY {role}"))
        connection.execute(text(f"DROP ROLE {role}"))
    admin.dispose()


def policy() -> Policy:
    return Policy.model_validate(
        {
            "name": "role-test",
            "scope": {"include": DEVICES, "never_touch_ports": ["2024"]},
            "discovery": {"tcp_ports": [TELNET], "udp_ports": []},
            "rate": {"connect_timeout": 1.0, "read_timeout": 1.0},
        }
    )


def refused(scanner: Store, statement: str) -> str:
    with scanner.engine.connect() as connection, pytest.raises(DBAPIError) as caught:
        connection.execute(text(statement))
    return str(caught.value.orig)


def test_the_scanner_role_records_scans_and_cannot_erase_or_overrule_decisions(store: Store, scanner_url: str) -> None:
    scanner = Store(scanner_url)  # the schema is current: opening it runs no DDL
    try:
        with serving(DEVICES[0]), serving(DEVICES[1]):
            first = run_scan(scanner, policy(), [])
            assert first.scan.status == "completed" and first.failures
            with store.session() as session:  # the central node's people decide
                findings = session.exec(select(Finding)).all()
                assert len(findings) >= 2, [f.check_id for f in findings]
                mark_false_positive(session, findings[0], "dpo", "lab device")
                accept_risk(session, findings[1], "ciso", "isolated VLAN", "ciso", utcnow() + timedelta(days=30))
                session.commit()
                decided = {f.id: f.status for f in findings[:2]}
            again = run_scan(scanner, policy(), [])
        assert again.scan.status == "completed"
        with store.session() as session:
            assert {f.id: f.status for f in session.exec(select(Finding)).all() if f.id in decided} == decided
        victim = findings[0].id
        assert "permission denied" in refused(scanner, f"DELETE FROM finding WHERE id = {victim}")
        assert "permission denied" in refused(scanner, "DELETE FROM findingevent")
        assert "permission denied" in refused(scanner, "UPDATE riskacceptance SET revoked = true")
        assert "permission denied" in refused(scanner, "DELETE FROM scanrun")
        for decided_id in decided:
            reopen = f"UPDATE finding SET status = 'open' WHERE id = {decided_id}"
            assert "may not change the decision" in refused(scanner, reopen)
        open_ids = [f.id for f in findings[2:]]
        if open_ids:
            assert "may not change the decision" in refused(
                scanner, f"UPDATE finding SET status = 'accepted' WHERE id = {open_ids[0]}"
            )
        with store.session() as session:  # the owner still can, as the findings commands do
            assert session.exec(select(RiskAcceptance)).all()
    finally:
        scanner.dispose()


def test_the_role_name_is_checked() -> None:
    with pytest.raises(ValueError, match="lower-case"):
        scanner_role_sql("x; DROP TABLE finding")
