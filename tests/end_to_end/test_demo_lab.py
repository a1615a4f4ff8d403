"""Given the demo lab, when scanned with its own policy, then exactly its three planted problems are found."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from muniscan.cli.main import app
from muniscan.labs.devices.base import read_log
from muniscan.labs.topology import Topology
from muniscan.paths import lab_state_dir

pytestmark = pytest.mark.slow
runner = CliRunner()


def muniscan(db: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", db, *args])
    return result.exit_code, result.stdout


def expected(topology: Topology) -> set[tuple[str, str]]:
    return {(d.address, check) for d in topology.devices for check in d.expected_findings}


def test_scan_finds_exactly_the_planted_problems_and_reports_them(demo_lab: Topology, database_url: str) -> None:
    code, out = muniscan(database_url, "scan", "--lab", "demo", "--json")
    assert code == 0, out
    scan = json.loads(out)
    assert {(f["address"], f["check_id"]) for f in scan["findings"]} == expected(demo_lab)
    assert scan["counts"]["new"] == len(expected(demo_lab))

    code, out = muniscan(database_url, "findings", "--json")
    listed = json.loads(out)
    assert {(f["address"], f["check_id"], f["status"]) for f in listed} == {
        (a, c, "open") for a, c in expected(demo_lab)
    }
    assert all(f["severity"] in {"medium", "high"} and f["enisa"] for f in listed)

    code, out = muniscan(database_url, "report", "security", "--format", "json")
    report = json.loads(out)
    assert report["summary"]["devices"] == 3
    assert "GP-TM-39" in report["summary"]["enisa_measures_failing"]

    code, out = muniscan(database_url, "report", "security", "--format", "md")
    assert "| high | open | telnet\\_management\\_plaintext | 127.77.0.10 | 2323 |" in out

    code, out = muniscan(database_url, "scan", "--lab", "demo", "--json", "--fail-on", "high")
    assert code == 1
    assert json.loads(out)["counts"] == {
        **json.loads(out)["counts"],
        "new": 0,
        "unchanged": len(expected(demo_lab)),
        "fixed": 0,
    }


def test_scan_was_polite_and_stayed_on_the_lab(demo_lab: Topology, tmp_path: Path) -> None:
    code, _ = muniscan(str(tmp_path / "polite.sqlite"), "scan", "--lab", "demo", "-q")
    assert code == 0
    log = read_log(lab_state_dir() / "demo" / "devices.log")
    telnet_logins = [r for r in log if r["service"] == "telnet" and r["event"] == "login"]
    assert telnet_logins == []  # the safe profile never tries a password
    assert {r["device"] for r in log} <= {d.name for d in demo_lab.devices}


def test_inventory_lists_the_devices(demo_lab: Topology, tmp_path: Path) -> None:
    db = str(tmp_path / "inventory.sqlite")
    muniscan(db, "scan", "--lab", "demo", "-q")
    code, out = muniscan(db, "inventory", "--json")
    assert code == 0, out
    assets = {a["address"]: {s["port"] for s in a["services"]} for a in json.loads(out)}
    assert assets == {d.address: {s.port for s in d.services} for d in demo_lab.devices}
