"""Given a listener on loopback, when a scan is refused by scope, then it never saw a connection."""

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from muniscan.cli.main import app

runner = CliRunner()
ADDRESS = "127.77.9.10"


class Listener:
    """A real socket that counts the connections it was offered."""

    def __init__(self, address: str, port: int) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((address, port))
        self.sock.listen(16)
        self.sock.setblocking(False)

    def connections(self) -> int:
        count = 0
        while True:
            try:
                conn, _ = self.sock.accept()
            except BlockingIOError:
                return count
            conn.close()
            count += 1


@pytest.fixture
def listeners() -> Iterator[dict[int, Listener]]:
    opened = {port: Listener(ADDRESS, port) for port in (8080, 9100)}
    yield opened
    for listener in opened.values():
        listener.sock.close()


def policy(tmp_path: Path, include: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(
        "name: guard-test\nextends: enisa-baseline\n"
        f"scope:\n  include: [{include}]\n  never_touch_ports: ['2024', '9100-9107']\n"
        "discovery:\n  tcp_ports: [8080, 9100]\n"
        "rate:\n  connect_timeout: 1.0\n  read_timeout: 1.0\n",
        encoding="utf-8",
    )
    return path


def test_default_policy_refuses_with_empty_scope_and_sends_nothing(tmp_path: Path, listeners) -> None:
    result = runner.invoke(app, ["--db", str(tmp_path / "db.sqlite"), "scan", ADDRESS])
    assert result.exit_code == 2
    assert "scope is empty" in result.output
    assert listeners[8080].connections() == 0


def test_target_outside_scope_is_refused_before_any_packet(tmp_path: Path, listeners) -> None:
    result = runner.invoke(
        app, ["--db", str(tmp_path / "db.sqlite"), "scan", "--policy", str(policy(tmp_path, "127.77.9.11")), ADDRESS]
    )
    assert result.exit_code == 2
    assert f"outside the policy's scope: {ADDRESS}" in result.output
    assert listeners[8080].connections() == 0


def test_in_scope_target_is_reached_but_never_touch_port_is_not(tmp_path: Path, listeners) -> None:
    result = runner.invoke(
        app, ["--db", str(tmp_path / "db.sqlite"), "scan", "-q", "--policy", str(policy(tmp_path, ADDRESS)), ADDRESS]
    )
    assert result.exit_code == 0, result.output
    assert listeners[8080].connections() >= 1  # the control: this test can see a connection
    assert listeners[9100].connections() == 0
