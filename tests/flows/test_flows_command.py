"""Given a capture of city traffic, when `muniscan flows pcap` reads it, then flows are stored and judged."""

import json
from pathlib import Path

from sqlmodel import select
from typer.testing import CliRunner

from muniscan.cli.main import app
from muniscan.store import Store
from muniscan.store.models import DataFlow, Finding

from .traffic import PLANTED, write_city_pcap

runner = CliRunner()


def test_pcap_flows_become_findings_and_rows(tmp_path: Path, database_url: str) -> None:
    pcap = write_city_pcap(tmp_path / "city.pcap")
    result = runner.invoke(app, ["--db", database_url, "flows", "pcap", str(pcap), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    found = {(f["check_id"], f["address"]) for f in out["findings"]}
    assert found == {
        ("personal_data_cleartext_transit", "10.20.0.11"),
        ("personal_data_cleartext_transit", "10.20.0.12"),
        ("personal_data_cleartext_transit", "10.20.0.13"),
        ("credentials_cleartext_transit", "10.20.0.11"),
        ("credentials_cleartext_transit", "10.20.0.12"),
        ("credentials_cleartext_transit", "10.20.0.14"),
    }
    again = runner.invoke(app, ["--db", database_url, "flows", "pcap", str(pcap), "--json"])
    assert again.exit_code == 0
    store = Store(database_url)
    with store.session() as session:
        flows = session.exec(select(DataFlow)).all()
        findings = session.exec(select(Finding)).all()
    store.dispose()
    assert len(flows) == 8 and len(findings) == 6  # the second reading refreshes, it does not duplicate
    parking = next(f for f in flows if f.source == "10.20.0.11")
    assert parking.categories == {"SE_LICENCE_PLATE": 2, "SE_PERSONNUMMER": 2} and parking.messages == 2
    assert parking.samples["SE_PERSONNUMMER"] == ["19******-**84"] and len(parking.hashes["SE_PERSONNUMMER"]) == 1
    listed = runner.invoke(app, ["--db", database_url, "flows", "list", "--json"])
    for text in (result.stdout, again.stdout, listed.stdout):
        assert not any(value in text for value in PLANTED)


def test_a_garbage_file_is_refused_by_name(tmp_path: Path, database_url: str) -> None:
    path = tmp_path / "noise.pcap"
    path.write_bytes(b"\x00" * 10)
    result = runner.invoke(app, ["--db", database_url, "flows", "pcap", str(path)])
    assert result.exit_code == 2 and "noise.pcap" in result.output


def test_capture_outside_scope_sends_nothing(database_url: str) -> None:
    result = runner.invoke(app, ["--db", database_url, "flows", "capture", "mqtt://127.77.9.9:1883", "--duration", "1"])
    assert result.exit_code == 2 and "refused" in result.output


def test_capture_needs_an_address_not_a_name(database_url: str) -> None:
    result = runner.invoke(app, ["--db", database_url, "flows", "capture", "mqtt://broker.example:1883"])
    assert result.exit_code == 2 and "IP address" in result.output
