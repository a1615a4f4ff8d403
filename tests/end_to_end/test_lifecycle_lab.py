"""Given a two-device lab, when a person accepts one finding and the device owner fixes, breaks and
re-fixes another, then rescans keep the acceptance, mark the fix, reopen the regression, and reopen
the accepted finding once its acceptance has expired; every step is in the finding's history."""

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlmodel import select
from typer.testing import CliRunner

from muniscan.cli.main import app
from muniscan.labs import runner
from muniscan.store import Store
from muniscan.store.models import RiskAcceptance
from muniscan.store.models.common import utcnow

pytestmark = pytest.mark.slow
cli = CliRunner()

LAB = "lifecycle-e2e"
WEB = "127.77.16.10"  # HTTPS admin interface: TLS 1.0 offered, then fixed, then broken again
TELNET = "127.77.16.11"  # telnet management: the finding whose risk is accepted
LEGACY_TLS = "tls_legacy_protocol_offered"
TELNET_CHECK = "telnet_management_plaintext"


def topology(tls_versions: list[str]) -> dict[str, Any]:
    return {
        "name": LAB,
        "description": "One web interface whose TLS setting changes and one telnet login.",
        "policy": {
            "name": "lifecycle-lab",
            "extends": "enisa-baseline",
            "scope": {"include": [WEB, TELNET], "never_touch_ports": ["515", "2024", "9100-9107", "9999"]},
        },
        "devices": [
            {
                "name": "bms-web-01",
                "class": "building-management",
                "vendor": "Klimatec",
                "model": "BMS-Web 3",
                "firmware": "3.2.0",
                "address": WEB,
                "services": [{"kind": "https", "port": 8443, "config": {"tls_versions": tls_versions}}],
            },
            {
                "name": "streetlight-ctrl-01",
                "class": "street-light-controller",
                "vendor": "Lumenvik",
                "model": "SLC-200",
                "firmware": "2.1.4",
                "address": TELNET,
                "services": [{"kind": "telnet", "port": 2323, "config": {"accounts": {"admin": "Lv-2023!x"}}}],
            },
        ],
    }


BROKEN = ["1.0", "1.2"]
FIXED = ["1.2", "1.3"]


class Lab:
    """The lab's topology file; `configure` stands for the device owner changing a setting on site."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def configure(self, tls_versions: list[str]) -> None:
        runner.down(LAB)
        self.path.write_text(yaml.safe_dump(topology(tls_versions), sort_keys=False), encoding="utf-8")
        runner.up(str(self.path))


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    started = Lab(tmp_path / "lifecycle-lab.yaml")
    try:
        started.configure(BROKEN)
        yield started
    finally:
        runner.down(LAB)


def muniscan(db: str, *args: str) -> str:
    result = cli.invoke(app, ["--db", db, *args])
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result.stdout


def scan(db: str, lab: Lab) -> dict[str, Any]:
    """Scan the lab by its topology file (`--lab` takes a built-in name or a .yaml path)."""
    return json.loads(muniscan(db, "scan", "--lab", str(lab.path), "--json"))


def statuses(db: str) -> dict[tuple[str, str], str]:
    return {(f["address"], f["check_id"]): f["status"] for f in json.loads(muniscan(db, "findings", "--json"))}


def finding_id(db: str, address: str, check_id: str) -> int:
    return next(
        f["id"]
        for f in json.loads(muniscan(db, "findings", "--json"))
        if (f["address"], f["check_id"]) == (address, check_id)
    )


def history(db: str, fid: int) -> list[tuple[str, str | None, str | None, str]]:
    shown = json.loads(muniscan(db, "findings", "show", str(fid), "--json"))
    return [(h["kind"], h["from"], h["to"], h["by"]) for h in shown["history"]]


def test_acceptance_fix_regression_and_expiry_follow_the_lifecycle(database_url: str, lab: Lab) -> None:
    db = database_url
    first = scan(db, lab)
    assert {(f["address"], f["check_id"]) for f in first["findings"]} >= {(WEB, LEGACY_TLS), (TELNET, TELNET_CHECK)}
    assert set(statuses(db).values()) == {"open"}
    telnet, legacy = finding_id(db, TELNET, TELNET_CHECK), finding_id(db, WEB, LEGACY_TLS)

    # A person accepts the telnet risk for 30 days; the rescan leaves that decision alone.
    muniscan(
        db,
        "findings",
        "accept",
        str(telnet),
        "--reason",
        "management VLAN only",
        "--approver",
        "ciso",
        "--days",
        "30",
        "--by",
        "security-officer",
    )
    again = scan(db, lab)
    assert again["counts"]["new"] == 0 and again["counts"]["reopened"] == 0
    assert statuses(db)[(TELNET, TELNET_CHECK)] == "accepted"
    assert history(db, telnet) == [
        ("opened", "open", "open", "scanner"),
        ("accepted", "open", "accepted", "security-officer"),
    ]

    # The web interface is reconfigured to TLS 1.2 and 1.3 only: the rescan marks its finding fixed.
    lab.configure(FIXED)
    fixed = scan(db, lab)
    assert (WEB, LEGACY_TLS) not in {(f["address"], f["check_id"]) for f in fixed["findings"]}
    assert fixed["counts"]["fixed"] >= 1
    assert statuses(db)[(WEB, LEGACY_TLS)] == "fixed"
    assert statuses(db)[(TELNET, TELNET_CHECK)] == "accepted"

    # TLS 1.0 comes back (a firmware reset, say): the same finding reopens, not a new one.
    lab.configure(BROKEN)
    broken = scan(db, lab)
    assert broken["counts"]["new"] == 0 and broken["counts"]["reopened"] >= 1
    assert finding_id(db, WEB, LEGACY_TLS) == legacy
    assert statuses(db)[(WEB, LEGACY_TLS)] == "open"
    shown = json.loads(muniscan(db, "findings", "show", str(legacy), "--json"))
    assert [(h["kind"], h["to"]) for h in shown["history"]] == [
        ("opened", "open"),
        ("fixed", "fixed"),
        ("reopened", "open"),
    ]
    assert [h["scan"] for h in shown["history"]] == [first["scan_id"], fixed["scan_id"], broken["scan_id"]]

    # An acceptance cannot be given an expiry in the past, so the stored one is moved back instead.
    refused = cli.invoke(
        app,
        ["--db", db, "findings", "accept", str(legacy), "--reason", "r", "--approver", "a", "--expires", "2000-01-01"],
    )
    assert refused.exit_code == 2 and "expire in the future" in refused.output
    store = Store(db)
    try:
        with store.session() as session:
            acceptance = session.exec(select(RiskAcceptance).where(RiskAcceptance.finding_id == telnet)).one()
            acceptance.expires_at = utcnow() - timedelta(minutes=1)
            session.add(acceptance)
            session.commit()
    finally:
        store.dispose()

    expired = scan(db, lab)
    assert expired["counts"]["reopened"] >= 1
    assert statuses(db)[(TELNET, TELNET_CHECK)] == "open"
    shown = json.loads(muniscan(db, "findings", "show", str(telnet), "--json"))
    assert [(h["kind"], h["from"], h["to"], h["by"]) for h in shown["history"]][-1] == (
        "acceptance_expired",
        "accepted",
        "open",
        "scanner",
    )
    assert shown["history"][-1]["scan"] == expired["scan_id"]
    assert [(a["reason"], a["approver"], a["revoked"]) for a in shown["acceptances"]] == [
        ("management VLAN only", "ciso", False)
    ]
