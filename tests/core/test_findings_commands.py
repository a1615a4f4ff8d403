"""Given findings, when a person decides on them, then statuses follow the rules and history says who and why."""

import json
from datetime import timedelta

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from muniscan.checks.judge import Judgement
from muniscan.checks.model import failed
from muniscan.checks.registry import load_checks
from muniscan.checks.views import AssetView, ServiceView
from muniscan.cli.main import app
from muniscan.lifecycle import apply, due_date, is_overdue
from muniscan.policies import load_profile
from muniscan.store import Store
from muniscan.store.models import Asset, Finding, FindingEvent, RiskAcceptance, ScanRun, Service
from muniscan.store.models.common import utcnow

POLICY = load_profile()
TELNET = next(c for c in load_checks() if c.id == "telnet_management_plaintext")
runner = CliRunner()


def a_finding(store: Store, address: str = "127.77.0.10") -> int:
    with store.session() as session:
        asset = Asset(identity=f"ip:default:{address}", address=address)
        session.add(asset)
        session.flush()
        service = Service(asset_id=asset.id, port=2323, name="telnet")
        scan = ScanRun(policy_name=POLICY.name, policy_hash="test")
        session.add_all([service, scan])
        session.flush()
        view = ServiceView(address, "tcp", 2323, "telnet", False, "", service_id=service.id)
        judgement = Judgement(TELNET, AssetView(address, asset.identity, (view,), asset_id=asset.id), view, failed())
        apply(session, scan, [judgement], POLICY)
        session.commit()
        return session.exec(select(Finding.id).where(Finding.asset_id == asset.id)).one()  # type: ignore[return-value]


def cli(store: Store, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--db", store.url, "findings", *args])


def status_of(store: Store, finding_id: int) -> str:
    with store.session() as session:
        return session.get(Finding, finding_id).status  # type: ignore[union-attr]


def test_confirm_accept_reopen_false_positive_with_audit_trail(store: Store) -> None:
    fid = a_finding(store)
    assert cli(store, "confirm", str(fid), "--by", "alice", "--note", "reproduced by hand").exit_code == 0
    assert status_of(store, fid) == "confirmed"
    out = cli(
        store, "accept", str(fid), "--reason", "isolated VLAN", "--approver", "ciso", "--days", "30", "--by", "bob"
    )
    assert out.exit_code == 0, out.output
    assert status_of(store, fid) == "accepted"
    assert cli(store, "reopen", str(fid), "--reason", "VLAN was merged", "--by", "carol").exit_code == 0
    assert status_of(store, fid) == "open"
    assert cli(store, "false-positive", str(fid), "--reason", "banner of a honeypot", "--by", "dave").exit_code == 0
    assert cli(store, "comment", str(fid), "checked with the vendor", "--by", "erin").exit_code == 0
    with store.session() as session:
        events = session.exec(
            select(FindingEvent).where(FindingEvent.finding_id == fid).order_by(FindingEvent.id)
        ).all()
        acceptance = session.exec(select(RiskAcceptance).where(RiskAcceptance.finding_id == fid)).one()
    assert [(e.kind, e.actor) for e in events] == [
        ("opened", "scanner"),
        ("confirmed", "alice"),
        ("accepted", "bob"),
        ("reopened", "carol"),
        ("false_positive", "dave"),
        ("comment", "erin"),
    ]
    assert "isolated VLAN" in events[2].note and "ciso" in events[2].note
    assert acceptance.revoked  # reopening withdrew the acceptance
    shown = json.loads(cli(store, "show", str(fid), "--json").stdout)
    assert [h["kind"] for h in shown["history"]][-1] == "comment" and shown["status"] == "false_positive"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["accept", "{id}", "--reason", "x", "--approver", "ciso"], "exactly one of --expires"),
        (["accept", "{id}", "--reason", " ", "--approver", "ciso", "--days", "3"], "a reason is required"),
        (["accept", "{id}", "--reason", "x", "--approver", "ciso", "--expires", "2001-01-01"], "in the future"),
        (["reopen", "{id}", "--reason", "why"], "only accepted, confirmed, false_positive, fixed"),
        (["show", "999"], "no finding 999"),
    ],
)
def test_refused_decisions_exit_2_and_change_nothing(store: Store, args: list[str], message: str) -> None:
    fid = a_finding(store)
    out = cli(store, *[a.format(id=fid) for a in args])
    assert out.exit_code == 2 and message in out.output, out.output
    assert status_of(store, fid) == "open"


def test_listing_keeps_working_without_a_subcommand_and_shows_sla(store: Store) -> None:
    fid = a_finding(store)
    rows = json.loads(cli(store, "--status", "open", "--json").stdout)
    assert [r["id"] for r in rows] == [fid]
    assert rows[0]["due"] and rows[0]["overdue"] is False
    assert json.loads(cli(store, "list", "--overdue", "--json").stdout) == []
    with store.session() as session:  # backdate: a high finding has 30 days by default
        finding = session.get(Finding, fid)
        finding.first_seen = utcnow() - timedelta(days=31)  # type: ignore[union-attr]
        session.add(finding)
        session.commit()
    assert [r["id"] for r in json.loads(cli(store, "list", "--overdue", "--json").stdout)] == [fid]
    assert "OVERDUE" in cli(store).output


def test_sla_days_come_from_the_policy() -> None:
    seen = utcnow()
    assert due_date("critical", seen, POLICY) == seen + timedelta(days=7)
    assert due_date("info", seen, POLICY) is None
    assert is_overdue("open", "critical", seen - timedelta(days=8), POLICY)
    assert not is_overdue("accepted", "critical", seen - timedelta(days=8), POLICY)
