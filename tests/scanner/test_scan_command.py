"""Given a telnet-like listener on 127.106.30.10, `muniscan scan` refuses host:port clearly and summarises
failing checks most severe first, each with the id of its finding."""

import json
import socketserver
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from muniscan.cli.main import app
from muniscan.store import Store
from tests.agents.agent_lab import serving

runner = CliRunner()
DEVICE = "127.106.30.10"


def policy(folder: Path) -> Path:
    path = folder / "bench.yaml"
    path.write_text(
        f"name: bench\nscope:\n  include: [{DEVICE}]\n  never_touch_ports: ['2024']\n"
        "discovery:\n  tcp_ports: [2222, 2323]\n  udp_ports: []\n"
    )
    return path


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            f"{DEVICE}:2323",
            "is an address with a port; a target is an address, CIDR or range: to probe only port "
            "2323, list it in the policy's discovery.tcp_ports",
        ),
        ("[fd00::1]:443", "scan fd00::1"),
        ("gateway.city.internal", "names are never resolved"),
    ],
)
def test_a_target_that_is_not_an_address_is_a_usage_error(tmp_path: Path, target: str, message: str) -> None:
    out = runner.invoke(app, ["--db", str(tmp_path / "s.sqlite"), "scan", "--policy", str(policy(tmp_path)), target])
    assert out.exit_code == 2 and message in out.output
    assert "Traceback" not in out.output


class ReusableServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class SshGreeting(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.request.settimeout(2)
        try:
            self.request.sendall(b"SSH-2.0-OpenSSH_7.4\r\n")
            self.request.recv(1024)
        except OSError:
            pass


def test_the_summary_is_most_severe_first_with_finding_ids(store: Store, tmp_path: Path) -> None:
    ssh = ReusableServer((DEVICE, 2222), SshGreeting)
    thread = threading.Thread(target=ssh.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        with serving(DEVICE):
            out = runner.invoke(app, ["--db", store.url, "scan", "--policy", str(policy(tmp_path)), "--json", DEVICE])
            piped = runner.invoke(app, ["--db", store.url, "scan", "--policy", str(policy(tmp_path)), DEVICE])
    finally:
        ssh.shutdown()
        ssh.server_close()
    assert out.exit_code == 0, out.output
    summary = json.loads(out.stdout)
    ranks = ["critical", "high", "medium", "low", "info"]
    severities = [f["severity"] for f in summary["findings"]]
    assert len(severities) >= 2 and severities == sorted(severities, key=ranks.index)
    stored = json.loads(runner.invoke(app, ["--db", store.url, "findings", "list", "--json"]).stdout)
    by_key = {(f["check_id"], f["port"]): f["id"] for f in stored}
    lines = piped.stdout.splitlines()  # piped: a header and one tab-separated line per failing check, nothing else
    assert lines[0].split("\t") == ["finding", "severity", "check", "address", "port", "ENISA"]
    assert len(lines) == 1 + len(severities) and all(line.count("\t") == 5 for line in lines)
    assert "findings: " in piped.stderr
    assert [f["finding_id"] for f in summary["findings"]] == [
        by_key[f["check_id"], f["port"]] for f in summary["findings"]
    ]
