"""Given an nmap XML file that is malformed on purpose or very large, `muniscan import nmap` stores only valid
ports, MACs and addresses (the same on SQLite and PostgreSQL), and streams a large file in batches with progress."""

import json
import time
from pathlib import Path

import yaml
from sqlmodel import select
from typer.testing import CliRunner

from muniscan.cli.main import app
from muniscan.nmap_import import BATCH
from muniscan.store import Store
from muniscan.store.models import Asset, Service

runner = CliRunner()

HOSTILE = f"""<?xml version="1.0"?>
<nmaprun scanner="nmap">
  <host><status state="up"/><address addr="127.107.5.1" addrtype="ipv4"/>
    <address addr="{"aa:" * 10_000}" addrtype="mac" vendor="{"V" * 5000}"/>
    <ports>
      <port protocol="tcp" portid="-5"><state state="open"/><service name="x"/></port>
      <port protocol="tcp" portid="0"><state state="open"/><service name="x"/></port>
      <port protocol="tcp" portid="99999"><state state="open"/><service name="x"/></port>
      <port protocol="icmp" portid="7"><state state="open"/><service name="x"/></port>
      <port protocol="tcp" portid="23"><state state="open"/>
        <service name="{"t" * 5000}" product="{"p" * 50_000}"/></port>
    </ports></host>
  <host><status state="up"/><address addr="not-an-address" addrtype="ipv4"/>
    <ports><port protocol="tcp" portid="22"><state state="open"/></port></ports></host>
  <host><status state="up"/><address addr="::ffff:127.107.5.2" addrtype="ipv6"/>
    <address addr="00:17:88:01:02:03" addrtype="mac" vendor="Philips Lighting BV"/>
    <ports><port protocol="udp" portid="161"><state state="open"/><service name="snmp"/></port></ports></host>
</nmaprun>
"""


def _policy(tmp_path: Path) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(
        yaml.safe_dump({"name": "import", "scope": {"include": ["127.107.5.0/24"], "never_touch_ports": ["2024"]}})
    )
    return path


def test_invalid_ports_macs_addresses_and_oversized_texts_are_not_stored(tmp_path: Path, database_url: str) -> None:
    report = tmp_path / "hostile.xml"
    report.write_text(HOSTILE)
    result = runner.invoke(
        app, ["--db", database_url, "import", "nmap", str(report), "--policy", str(_policy(tmp_path)), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["hosts"] == 2
    with Store(database_url).session() as session:
        assets = {a.address: a for a in session.exec(select(Asset))}
        services = sorted((s.transport, s.port, len(s.name)) for s in session.exec(select(Service)))
    assert set(assets) == {"127.107.5.1", "127.107.5.2"}  # the mapped address stored as the IPv4 it is
    assert assets["127.107.5.1"].mac is None and assets["127.107.5.2"].mac == "00:17:88:01:02:03"
    assert services == [("tcp", 23, 64), ("udp", 161, 4)]


def test_a_large_report_is_streamed_in_batches_with_progress(tmp_path: Path) -> None:
    hosts = 3 * BATCH + 7
    rows = "".join(
        f'<host><status state="up"/><address addr="127.107.{6 + i // 250}.{1 + i % 250}" addrtype="ipv4"/>'
        f'<ports><port protocol="tcp" portid="80"><state state="open"/><service name="http"/></port></ports></host>\n'
        for i in range(hosts)
    )
    report = tmp_path / "large.xml"
    report.write_text(f'<?xml version="1.0"?>\n<nmaprun scanner="nmap">\n{rows}</nmaprun>\n')
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        yaml.safe_dump({"name": "import", "scope": {"include": ["127.107.0.0/16"], "never_touch_ports": ["2024"]}})
    )
    started = time.monotonic()
    result = runner.invoke(
        app, ["--db", f"sqlite:///{tmp_path / 's.sqlite'}", "import", "nmap", str(report), "--policy", str(policy)]
    )
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert [f"stored {n} of {hosts} host(s) in scope" in result.output for n in (500, 1000, 1500, hosts)] == [True] * 4
    print(f"{hosts} hosts imported in {elapsed:.1f} s ({hosts / elapsed:.0f} hosts/s)")
