"""Given findings in a store, when the CLI is piped or scripted, then no value is split and every flag counts."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from muniscan.cli.main import app
from muniscan.store import Store
from muniscan.store.models import Asset, Finding
from tests.core.test_findings_commands import a_finding

runner = CliRunner()
ADDRESSES = ["127.106.100.100", "127.106.200.201", "127.106.123.210"]


def findings_on_two_sites(store: Store) -> list[int]:
    ids = [a_finding(store, address) for address in ADDRESSES]
    with store.session() as session:
        for finding_id in ids[1:]:
            finding = session.get(Finding, finding_id)
            asset = session.get(Asset, finding.asset_id)  # type: ignore[union-attr]
            asset.site = "depot-north"  # type: ignore[union-attr]
            session.add(asset)
        session.get(Finding, ids[2]).severity = "low"  # type: ignore[union-attr]
        session.commit()
    return ids


def test_piped_findings_are_tab_separated_lines_with_no_split_address(store: Store) -> None:
    if not store.url.startswith("sqlite"):
        pytest.skip("the subprocess reads the SQLite file of this test")
    findings_on_two_sites(store)
    muniscan = shutil.which("muniscan", path=str(Path(sys.executable).parent))
    assert muniscan is not None
    piped = subprocess.run(
        [muniscan, "--db", store.url, "findings", "list"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "40"},
        timeout=120,
        check=True,
    )
    lines = piped.stdout.splitlines()
    assert lines[0].split("\t")[:6] == ["id", "severity", "status", "check", "site", "address"]
    assert len(lines) == 1 + len(ADDRESSES)
    assert sorted(line.split("\t")[5] for line in lines[1:]) == sorted(ADDRESSES)
    assert "3 finding(s)" in piped.stderr


def test_group_level_flags_are_honoured(store: Store) -> None:
    ids = findings_on_two_sites(store)
    listed = json.loads(runner.invoke(app, ["--db", store.url, "findings", "--json", "list"]).output)
    assert [f["id"] for f in listed] == [ids[0], ids[1], ids[2]]  # high before low
    assert {f["site"] for f in listed} == {"default", "depot-north"}
    out = runner.invoke(app, ["--db", store.url, "findings", "--status", "fixed", "--json", "list"])
    assert json.loads(out.output) == []
    out = runner.invoke(app, ["--db", store.url, "findings", "--status", "bogus", "list"])
    assert out.exit_code == 2
    refused = runner.invoke(app, ["--db", store.url, "findings", "--status", "open", "confirm", str(ids[0])])
    assert refused.exit_code == 2 and "--status" in refused.output
    shown = runner.invoke(app, ["--db", store.url, "findings", "--json", "show", str(ids[1])])
    assert json.loads(shown.output)["site"] == "depot-north"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--site", "depot-north"], [1, 2]),
        (["--severity", "low"], [2]),
        (["--severity", "high", "--severity", "critical"], [0, 1]),
        (["--check", "telnet_management_plaintext", "--site", "default"], [0]),
        (["--check", "nope"], []),
        (["--since", "1d"], [0, 1, 2]),
        (["--since", "2999-01-01"], []),
    ],
)
def test_findings_filters(store: Store, args: list[str], expected: list[int]) -> None:
    ids = findings_on_two_sites(store)
    out = runner.invoke(app, ["--db", store.url, "findings", "list", "--json", *args])
    assert out.exit_code == 0, out.output
    assert [f["id"] for f in json.loads(out.output)] == [ids[i] for i in expected]


def test_a_bad_since_is_a_usage_error(store: Store) -> None:
    out = runner.invoke(app, ["--db", store.url, "findings", "list", "--since", "last tuesday"])
    assert out.exit_code == 2 and "--since" in out.output


def groups(command: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if not hasattr(command, "commands"):
        return []
    found = [path]
    for name, sub in command.commands.items():
        found += groups(sub, (*path, name))
    return found


def test_command_lists_show_every_description_whole() -> None:
    every = groups(typer.main.get_command(app))
    assert len(every) > 10
    for path in every:
        out = runner.invoke(app, [*path, "--help"])
        assert out.exit_code == 0, (path, out.output)
        if "Commands:" in out.output:
            listing = out.output.split("Commands:", 1)[1]
            assert "..." not in listing, (path, listing)
