"""Given a lab device with a default password, when a later run does not re-test a finding (a safe scan
after an intrusive one, an nmap import of fewer ports), then the finding stays open and says since which
scan it was not re-checked; only a run that re-tested it can mark it fixed."""

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from muniscan.cli.main import app
from muniscan.labs import runner
from muniscan.scanner.nmap import nmap_path

pytestmark = pytest.mark.slow
cli = CliRunner()

LAB = "coverage-e2e"
DEVICE = "127.101.12.10"  # a street-light controller: telnet with the vendor's default password, a web page
NEVER_TOUCH = ["515", "2024", "9100-9107", "9999"]
DEFAULT_PASSWORD = "default_credentials_accepted"
TELNET_CHECK = "telnet_management_plaintext"


def topology() -> dict[str, Any]:
    return {
        "name": LAB,
        "description": "One controller whose telnet login still takes the published default password.",
        "policy": {"name": "coverage-lab", "scope": {"include": [DEVICE], "never_touch_ports": NEVER_TOUCH}},
        "devices": [
            {
                "name": "streetlight-ctrl-07",
                "class": "street-light-controller",
                "vendor": "Lumenvik",
                "model": "SLC-200",
                "firmware": "2.1.4",
                "address": DEVICE,
                "services": [
                    {"kind": "telnet", "port": 2323, "config": {"accounts": {"admin": "lumenvik"}}},
                    {"kind": "http", "port": 8080, "config": {"auth": "basic", "accounts": {"admin": "S3cure-1"}}},
                ],
            }
        ],
    }


def policy(tmp_path: Path, allow: list[str]) -> Path:
    path = tmp_path / f"policy-{'-'.join(allow)}.yaml"
    data = {
        "name": "coverage-" + allow[-1],
        "extends": "enisa-baseline",
        "scope": {"include": [DEVICE], "never_touch_ports": NEVER_TOUCH},
        "discovery": {"tcp_ports": [2323, 8080]},
        "probes": {"allow": allow},
    }
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[None]:
    path = tmp_path / "coverage-lab.yaml"
    path.write_text(yaml.safe_dump(topology(), sort_keys=False), encoding="utf-8")
    runner.up(str(path))
    try:
        yield
    finally:
        runner.down(LAB)


def muniscan(db: str, *args: str) -> Any:
    result = cli.invoke(app, ["--db", db, *args])
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return json.loads(result.stdout)


def finding(db: str, check_id: str) -> dict[str, Any]:
    return next(f for f in muniscan(db, "findings", "--json") if f["check_id"] == check_id)


def test_a_safe_scan_after_an_intrusive_one_leaves_the_default_password_open(
    database_url: str, lab: None, tmp_path: Path
) -> None:
    db = database_url
    intrusive = muniscan(db, "scan", "--policy", str(policy(tmp_path, ["passive", "safe", "intrusive"])), "--json")
    found = finding(db, DEFAULT_PASSWORD)
    assert (found["status"], found["severity"], found["port"]) == ("open", "critical", 2323)
    assert found["not_rechecked"] is None

    safe = muniscan(db, "scan", "--policy", str(policy(tmp_path, ["passive", "safe"])), "--json")
    assert safe["counts"]["fixed"] == 0 and safe["counts"]["not_rechecked"] >= 1
    after = finding(db, DEFAULT_PASSWORD)
    assert after["status"] == "open"  # before this rule: "fixed", "not seen by this scan"
    assert after["not_rechecked"] == {
        "since_scan": intrusive["scan_id"],
        "last_confirmed": found["last_seen"],
        "latest_run_without_it": safe["scan_id"],
    }
    history = muniscan(db, "findings", "show", str(after["id"]), "--json")["history"]
    assert [(h["kind"], h["to"], h["scan"]) for h in history] == [
        ("opened", "open", intrusive["scan_id"]),
        ("not_rechecked", None, safe["scan_id"]),
    ]
    assert "intrusive probes were not allowed" in history[-1]["note"]
    # The safe scan did re-test telnet in clear: that finding is confirmed again, not "not re-checked".
    assert finding(db, TELNET_CHECK)["not_rechecked"] is None

    # The next intrusive run re-tests the password: still accepted, so the finding is confirmed again.
    muniscan(db, "scan", "--policy", str(policy(tmp_path, ["passive", "safe", "intrusive"])), "--json")
    assert finding(db, DEFAULT_PASSWORD)["not_rechecked"] is None


@pytest.mark.skipif(nmap_path() is None, reason="nmap is not installed (scripts/install-system-packages.sh)")
def test_an_import_of_a_narrower_nmap_run_closes_nothing_it_did_not_test(
    database_url: str, lab: None, tmp_path: Path
) -> None:
    db = database_url
    safe_policy = str(policy(tmp_path, ["passive", "safe"]))
    scanned = muniscan(db, "scan", "--policy", safe_policy, "--json")
    before = {(f["check_id"], f["port"]): f for f in muniscan(db, "findings", "--json")}
    assert (TELNET_CHECK, 2323) in before and all(f["status"] == "open" for f in before.values())

    report = tmp_path / "web-only.xml"  # an approved nmap run of the web port only
    subprocess.run(
        ["nmap", "-n", "-sT", "-Pn", "-p", "8080", "--exclude-ports", "2024", "-oX", str(report), DEVICE],
        check=True,
        capture_output=True,
        timeout=120,
    )
    imported = muniscan(db, "import", "nmap", str(report), "--policy", safe_policy, "--json")
    assert imported["hosts"] == 1 and imported["services"] == 1
    after = {(f["check_id"], f["port"]): f for f in muniscan(db, "findings", "--json")}
    assert {k: f["status"] for k, f in after.items()} == {k: "open" for k in before}  # before: all "fixed"
    assert after[(TELNET_CHECK, 2323)]["not_rechecked"]["since_scan"] == scanned["scan_id"]
    runs = {r["id"]: r for r in muniscan(db, "scans", "--json")}
    assert runs[imported["scan_id"]]["kind"] == "import" and runs[imported["scan_id"]]["ports"]["tcp"] == "8080"
    assert runs[scanned["scan_id"]]["ports"]["tcp"] == "2323,8080"
