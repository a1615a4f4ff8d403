"""Given a lab in network namespaces, then ARP carries vendor prefixes, the scanner cannot reach
anything outside the lab, a scan from inside scores fully, and `lab down` leaves nothing behind."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from muniscan.labs import netns, runner
from muniscan.labs.topology import load_topology, topology_path
from muniscan.paths import lab_state_dir

from .conftest import muniscan, requires_root

CLI = str(Path(sys.executable).parent / "muniscan")
pytestmark = [pytest.mark.slow, pytest.mark.root, requires_root]

ARP_SWEEP = """
import json, sys
from scapy.all import ARP, Ether, conf, srp
conf.verb = 0
answered, _ = srp(Ether(dst="ff:ff:ff:ff:ff:ff") / ARP(pdst=sys.argv[1:]), iface="eth0", timeout=2)
print(json.dumps({reply.psrc: reply.hwsrc for _, reply in answered}))
"""
OUTSIDE = """
import errno, socket, time
started = time.monotonic()
with socket.socket() as sock:
    sock.settimeout(5)
    code = sock.connect_ex(("192.0.2.1", 80))  # TEST-NET-1: documentation only, and unroutable here
print(errno.errorcode.get(code, code), round(time.monotonic() - started, 3))
"""


def host_network(lab: str) -> tuple[list[str], str]:
    """This lab's namespaces (other labs may come and go meanwhile) and the root namespace's links."""
    prefix = netns.lab_prefix(lab_state_dir() / lab)
    namespaces = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout.split("\n")
    links = subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True).stdout
    return sorted(n.split()[0] for n in namespaces if n.startswith(prefix)), "\n".join(
        sorted(line.split(":")[1].strip() for line in links.splitlines())
    )


def lab_file(tmp_path: Path, name: str, extra: str = "") -> Path:
    text = topology_path("demo").read_text(encoding="utf-8").replace("name: demo\n", f"name: {name}\n", 1)
    path = tmp_path / f"{name}.yaml"
    path.write_text(text + extra, encoding="utf-8")
    return path


def in_scanner(state: runner.LabState, *argv: str) -> str:
    assert state.scanner_namespace
    done = subprocess.run(netns.exec_argv(state.scanner_namespace, list(argv)), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_namespace_lab_end_to_end(tmp_path: Path) -> None:
    before = host_network("nsdemo")
    assert before[0] == []
    path = lab_file(tmp_path, "nsdemo")
    code, out = muniscan("lab", "up", str(path), "--netns")
    assert code == 0, out
    state = runner.read_state("nsdemo")
    assert state is not None and state.mode == "netns"
    lab = load_topology(str(path)).in_namespaces()
    try:
        replies = json.loads(in_scanner(state, sys.executable, "-c", ARP_SWEEP, *lab.addresses))
        assert replies == {d.address: d.mac for d in lab.devices}
        assert all(replies[d.address].startswith(lab.vendor_prefix(d.vendor)) for d in lab.devices)

        reason, seconds = in_scanner(state, sys.executable, "-c", OUTSIDE).split()
        assert reason == "ENETUNREACH" and float(seconds) < 0.5

        assert muniscan("scan", "--lab", "nsdemo")[0] == 2  # refused from outside: it would have no lab to reach

        db = str(tmp_path / "ns.sqlite")
        scan = subprocess.run(
            [CLI, "--db", db, "lab", "exec", "nsdemo", "--", CLI, "--db", db, "scan", "--lab", "nsdemo", "--json"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert scan.returncode == 0, scan.stderr
        assert {f["address"] for f in json.loads(scan.stdout)["findings"]} <= set(lab.addresses)
        code, out = muniscan("--db", db, "lab", "verify", "nsdemo", "--json")
        score = json.loads(out)
        assert score["mode"] == "netns" and score["recall"] == 1.0, score

        code, out = muniscan("lab", "status", "--json")
        assert all(r["answering"] == r["expected"] for r in json.loads(out) if r["lab"] == "nsdemo")
    finally:
        muniscan("lab", "down", "nsdemo")
    assert not any(runner._is_our_process(p) for p in state.pids)
    assert host_network("nsdemo") == before
    assert muniscan("lab", "down", "nsdemo")[0] == 0


def test_a_failed_setup_rolls_back_every_namespace(tmp_path: Path) -> None:
    before = host_network("nsbroken")
    broken = """  - name: broken-device
    class: hostile
    vendor: Hostilab
    model: H-0
    firmware: "0"
    address: 127.77.0.13
    services: [{kind: hostile, port: 80, config: {behaviour: no-such-behaviour}}]
"""
    path = lab_file(tmp_path, "nsbroken", broken)
    path.write_text(path.read_text().replace("127.77.0.12]", "127.77.0.12, 127.77.0.13]"))
    started = time.monotonic()
    assert muniscan("lab", "up", str(path), "--netns")[0] == 2
    assert time.monotonic() - started < 30
    assert runner.read_state("nsbroken") is None
    assert host_network("nsbroken") == before
