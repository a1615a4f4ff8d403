"""Given a lab in network namespaces, an ARP-enabled scan from the lab's scanner learns each device's MAC,
keys the device by it, and names the vendor from the MAC's OUI."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sqlmodel import select

from muniscan.labs import runner
from muniscan.labs.topology import topology_path
from muniscan.scanner.fingerprint.oui import vendor_for_mac
from muniscan.store import Store
from muniscan.store.models import Asset, Observation

CLI = str(Path(sys.executable).parent / "muniscan")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.root,
    pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root"),
]


def _lab(tmp_path: Path) -> Path:
    text = topology_path("demo").read_text(encoding="utf-8").replace("name: demo\n", "name: arpdemo\n", 1)
    path = tmp_path / "arpdemo.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_arp_discovery_keys_devices_by_mac_and_names_the_oui_vendor(tmp_path: Path) -> None:
    lab = _lab(tmp_path)
    up = subprocess.run([CLI, "lab", "up", str(lab), "--netns"], capture_output=True, text=True)
    assert up.returncode == 0, up.stderr
    try:
        state = runner.read_state("arpdemo")
        assert state is not None
        topology = state.topology_in_mode()
        ports = sorted({s.port for d in topology.devices for s in d.services})
        policy = tmp_path / "policy.yaml"
        policy.write_text(
            yaml.safe_dump(
                {
                    "name": "arp-test",
                    "scope": {"include": topology.addresses, "never_touch_ports": ["2024", "515", "9100-9107"]},
                    "discovery": {"arp": True, "ping": True, "tcp_ports": ports, "udp_ports": []},
                }
            )
        )
        db = f"sqlite:///{tmp_path / 'arp.sqlite'}"
        scan = subprocess.run(
            [CLI, "lab", "exec", "arpdemo", "--", CLI, "--db", db, "scan", "--policy", str(policy), "--json"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert scan.returncode == 0, scan.stderr
        assert json.loads(scan.stdout)["status"] == "completed"
    finally:
        subprocess.run([CLI, "lab", "down", "arpdemo"], capture_output=True)
    store = Store(db)
    with store.session() as session:
        assets = {a.address: a for a in session.exec(select(Asset))}
        arp = session.exec(select(Observation).where(Observation.probe == "arp")).all()
    store.dispose()
    assert set(assets) == set(topology.addresses)
    for device in topology.devices:
        asset = assets[device.address]
        assert asset.identity == f"mac:{device.mac.lower()}"
        named = [asset.vendor, *asset.identity_evidence.get("conflicts", {}).get("vendor", [])]
        assert vendor_for_mac(device.mac) in named  # the OUI's organisation, beside any banner's vendor
    assert len(arp) == len(topology.devices)
