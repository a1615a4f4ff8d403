"""Given the kommun lab's web, TLS, SSH and FTP devices, when scanned, then exactly their ground truth is found.

The devices run as a private copy on 127.77.10.110-139 (kommun's 127.77.1.10-39 moved up by 100), so this
test never collides with a kommun lab someone has up.
"""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from muniscan.cli.main import app
from muniscan.labs import runner
from muniscan.labs.devices.base import read_log
from muniscan.labs.topology import Topology, load_topology, topology_path

pytestmark = pytest.mark.slow


def _moved(address: str) -> str:
    last = int(address.rsplit(".", 1)[1])
    return f"127.77.10.{last + 100}"


@pytest.fixture(scope="module")
def web_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Topology]]:
    data = yaml.safe_load(topology_path("kommun").read_text(encoding="utf-8"))
    devices = [d for d in data["devices"] if 10 <= int(d["address"].rsplit(".", 1)[1]) <= 39]
    for device in devices:
        device["address"] = _moved(device["address"])
    data |= {"name": "kommun-web", "devices": devices}
    data["policy"]["name"] = "kommun-web-lab"
    data["policy"]["scope"]["include"] = ["127.77.10.110-127.77.10.139"]
    path = tmp_path_factory.mktemp("kommun-web") / "kommun-web.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    topology, _ = runner.up(str(path))
    try:
        yield path, topology
    finally:
        runner.down(topology.name)


def scan(path: Path, database: Path) -> dict:
    result = CliRunner().invoke(app, ["--db", str(database), "scan", "--lab", str(path), "--json"])
    assert result.exit_code == 0, result.stdout
    return json.loads(result.stdout)


def test_every_planted_weakness_is_found_and_nothing_else(web_lab, tmp_path: Path) -> None:
    path, topology = web_lab
    found = {(f["address"], f["check_id"]) for f in scan(path, tmp_path / "web.sqlite")["findings"]}
    expected = {(d.address, check) for d in topology.devices for check in d.expected_findings}
    assert found - expected == set(), "findings the ground truth does not list"
    assert expected - found == set(), "planted weaknesses the scan missed"
    hardened = [d for d in topology.devices if d.hardened]
    assert len(hardened) >= 4 and not {a for a, _ in found} & {d.address for d in hardened}


def test_the_safe_profile_never_tried_a_password(web_lab, tmp_path: Path) -> None:
    path, topology = web_lab
    scan(path, tmp_path / "polite.sqlite")
    log = read_log(runner.read_state(topology.name).folder / "devices.log")
    logins = [r for r in log if r["event"] == "login"]
    assert {r["user"] for r in logins} <= {"anonymous"}  # only the FTP probe's one anonymous attempt
    assert {r["device"] for r in log} <= {d.name for d in topology.devices}


def test_kommun_itself_still_loads_with_these_devices() -> None:
    assert len(load_topology("kommun").devices) >= 22


# What an intrusive policy adds, from the devices' configuration: a default password works on the
# camera's web login (vendor entry), the kiosk's form login and FTP, and the pump's Basic login; every
# login without `lockout_after` lets wrong passwords through; the hardened devices lock out after five.
INTRUSIVE_FINDINGS = {
    ("traffic-cam-01", "default_credentials_accepted"),
    ("traffic-cam-01", "brute_force_protection_missing"),
    ("traffic-cam-02", "brute_force_protection_missing"),
    ("parking-kiosk-01", "default_credentials_accepted"),
    ("parking-kiosk-01", "brute_force_protection_missing"),
    ("water-pump-01", "default_credentials_accepted"),
    ("water-pump-01", "brute_force_protection_missing"),
    ("heating-scada-01", "brute_force_protection_missing"),
}


def test_an_intrusive_policy_finds_default_passwords_and_missing_lockouts(web_lab, tmp_path: Path) -> None:
    _, topology = web_lab
    policy = tmp_path / "intrusive.yaml"
    policy.write_text(
        yaml.safe_dump(
            {
                "name": "kommun-web-intrusive",
                "extends": "enisa-baseline",
                "scope": {"include": ["127.77.10.110-127.77.10.139"], "never_touch_ports": ["515", "2024", "9999"]},
                "probes": {"allow": ["passive", "safe", "intrusive"]},
            }
        ),
        encoding="utf-8",
    )
    database = tmp_path / "intrusive.sqlite"
    result = CliRunner().invoke(
        app, ["--db", str(database), "scan", "--policy", str(policy), "--json", "127.77.10.110-127.77.10.119"]
    )
    assert result.exit_code == 0, result.stdout
    name_of = {d.address: d.name for d in topology.devices}
    intrusive = {"default_credentials_accepted", "brute_force_protection_missing"}
    found = {(name_of[f["address"]], f["check_id"]) for f in json.loads(result.stdout)["findings"]}
    assert {f for f in found if f[1] in intrusive} == INTRUSIVE_FINDINGS
    accounts = {
        name_of[f["address"]]: f["evidence"].get("account")
        for f in json.loads(result.stdout)["findings"]
        if f["check_id"] == "default_credentials_accepted"
    }
    assert "12345" not in json.dumps(json.loads(result.stdout)) and accounts
