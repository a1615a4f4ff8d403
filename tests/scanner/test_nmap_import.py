"""Given an nmap XML report, `muniscan import nmap` stores its hosts, services and versions within scope."""

import json
import subprocess
from pathlib import Path

import pytest
import yaml
from sqlmodel import select
from typer.testing import CliRunner

from muniscan.cli.main import app
from muniscan.scanner.nmap import nmap_path
from muniscan.store import Store
from muniscan.store.models import Asset, Observation, ScanRun, Service

runner = CliRunner()
REPORT = """<?xml version="1.0"?>
<nmaprun scanner="nmap">
  <host><status state="up"/><address addr="127.77.12.41" addrtype="ipv4"/>
    <address addr="00:17:88:01:02:03" addrtype="mac" vendor="Philips Lighting BV"/>
    <ports>
      <port protocol="tcp" portid="23"><state state="open"/>
        <service name="telnet" method="probed" conf="10"/>
        <script id="banner" output="JACE login:"/></port>
      <port protocol="tcp" portid="443"><state state="open"/>
        <service name="http" tunnel="ssl" product="Niagara Web Server" version="4.10" method="probed" conf="10"/></port>
    </ports></host>
  <host><status state="up"/><address addr="10.20.30.40" addrtype="ipv4"/>
    <ports><port protocol="tcp" portid="22"><state state="open"/><service name="ssh"/></port></ports></host>
</nmaprun>
"""


def _policy(tmp_path: Path, include: list[str], out_of_scope: str = "refuse") -> Path:
    path = tmp_path / f"policy-{out_of_scope}.yaml"
    data = {
        "name": "import-test",
        "scope": {"include": include, "never_touch_ports": ["2024"]},
        "discovery": {"import_out_of_scope": out_of_scope},
    }
    path.write_text(yaml.safe_dump(data))
    return path


def _import(db: str, report: Path, policy: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", db, "import", "nmap", str(report), "--policy", str(policy), "--json"])
    return result.exit_code, result.output


def test_out_of_scope_hosts_refuse_the_import_unless_the_policy_says_skip(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'import.sqlite'}"
    report = tmp_path / "scan.xml"
    report.write_text(REPORT)
    code, out = _import(db, report, _policy(tmp_path, ["127.77.12.0/24"]))
    assert code == 2 and "10.20.30.40" in out and "nothing was stored" in out
    store = Store(db)
    with store.session() as session:
        assert session.exec(select(ScanRun)).all() == []

    code, out = _import(db, report, _policy(tmp_path, ["127.77.12.0/24"], "skip"))
    assert code == 0, out
    summary = json.loads(out)
    assert summary["skipped_out_of_scope"] == ["10.20.30.40"] and summary["hosts"] == 1
    with store.session() as session:
        (asset,) = session.exec(select(Asset)).all()
        services = {(s.port, s.name, s.tls) for s in session.exec(select(Service))}
        nmap_facts = [o.facts for o in session.exec(select(Observation).where(Observation.probe == "nmap"))]
    assert asset.identity == "mac:00:17:88:01:02:03"
    assert services == {(23, "telnet", False), (443, "https", True)}
    assert {f["product"] for f in nmap_facts} == {"", "Niagara Web Server"}
    assert (asset.vendor, asset.device_class) == ("Tridium", "building-management")

    code, _ = _import(db, report, _policy(tmp_path, ["127.77.12.0/24"], "skip"))
    with store.session() as session:
        assert len(session.exec(select(Asset)).all()) == 1  # a second import updates, never duplicates
        assert len(session.exec(select(Service)).all()) == 2
    store.dispose()


PN_REPORT = """<?xml version="1.0"?>
<nmaprun scanner="nmap" args="nmap -Pn -p 22,80 127.101.40.0/30">
  <scaninfo type="connect" protocol="tcp" numservices="2" services="22,80"/>
  <host><status state="up" reason="user-set"/><address addr="127.101.40.1" addrtype="ipv4"/>
    <ports><port protocol="tcp" portid="80"><state state="open"/><service name="http"/></port>
      <port protocol="tcp" portid="22"><state state="closed"/><service name="ssh"/></port></ports></host>
  <host><status state="up" reason="user-set"/><address addr="127.101.40.2" addrtype="ipv4"/>
    <ports><port protocol="tcp" portid="22"><state state="filtered"/></port>
      <port protocol="tcp" portid="80"><state state="filtered"/></port></ports></host>
  <host><status state="up" reason="user-set"/><address addr="127.101.40.3" addrtype="ipv4"/>
    <ports><extraports state="closed" count="2"/></ports></host>
</nmaprun>
"""


def test_a_pn_run_adds_only_hosts_with_an_open_port_and_records_its_port_list(tmp_path: Path) -> None:
    """With -Pn nmap calls every address up; only an open port says a device is there."""
    db = f"sqlite:///{tmp_path / 'pn.sqlite'}"
    report = tmp_path / "pn.xml"
    report.write_text(PN_REPORT)
    code, out = _import(db, report, _policy(tmp_path, ["127.101.40.0/30"]))
    assert code == 0, out
    assert json.loads(out)["hosts"] == 1
    store = Store(db)
    with store.session() as session:
        assert [a.address for a in session.exec(select(Asset))] == ["127.101.40.1"]
        run = session.exec(select(ScanRun)).one()
        assert (run.kind, run.ports) == ("import", {"tcp": "22,80", "udp": ""})
    store.dispose()


def test_a_file_that_is_not_nmap_xml_is_refused(tmp_path: Path) -> None:
    report = tmp_path / "scan.xml"
    report.write_text("<html/>")
    code, out = _import(f"sqlite:///{tmp_path / 'x.sqlite'}", report, _policy(tmp_path, ["127.77.12.0/24"]))
    assert code == 2 and "not nmap XML" in out


@pytest.mark.slow
@pytest.mark.skipif(nmap_path() is None, reason="nmap is not installed")
def test_a_real_nmap_report_of_a_small_lab_imports(greeters: dict[tuple[str, int], bytes], tmp_path: Path) -> None:
    addresses = sorted({a for a, _ in greeters})
    ports = ",".join(str(p) for p in sorted({p for _, p in greeters}))
    report = tmp_path / "lab.xml"
    command = [
        "nmap",
        "-n",
        "-Pn",
        "-sT",
        "-sV",
        "-p",
        ports,
        "--exclude-ports",
        "2024",
        "-oX",
        str(report),
        *addresses,
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    db = f"sqlite:///{tmp_path / 'real.sqlite'}"
    code, out = _import(db, report, _policy(tmp_path, addresses))
    assert code == 0, out
    store = Store(db)
    with store.session() as session:
        found = {
            (a.address, s.port) for a, s in session.exec(select(Asset, Service).where(Service.asset_id == Asset.id))
        }
        names = {s.port: s.name for s in session.exec(select(Service))}
    assert found == set(greeters)
    assert names[22] == "ssh" and names[21] == "ftp"
    store.dispose()
