"""Given a device that accepts connections and never answers, a time limit stops the scan on time: the scan is
marked failed with the reason, and a scheduled job's run ends before its lease (max runtime) runs out."""

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from muniscan.cli.main import app
from muniscan.schedule.jobs import add_job
from muniscan.schedule.runner import run_job_now
from muniscan.store import Store
from muniscan.store.models import ScanRun, ScanStatus

TARPIT_ADDRESS = "127.88.3.1"
TARPIT_PORTS = [21, 80, 443, 554, 1883, 2323, 8080, 8443]


@pytest.fixture
def tarpit() -> Iterator[list[int]]:
    """Accepts every connection and says nothing, so each probe waits for its read timeout."""
    servers = [socket.create_server((TARPIT_ADDRESS, port)) for port in TARPIT_PORTS]
    stop, held = threading.Event(), []

    def serve(server: socket.socket) -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    threads = [threading.Thread(target=serve, args=(s,), daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    yield TARPIT_PORTS
    stop.set()
    for thread in threads:
        thread.join()
    for connection in held:
        connection.close()
    for server in servers:
        server.close()


def _policy(tmp_path: Path) -> Path:
    path = tmp_path / "tarpit.yaml"
    path.write_text(
        f"name: tarpit\nscope:\n  include: [{TARPIT_ADDRESS}]\n  never_touch_ports: ['2024']\n"
        f"discovery:\n  tcp_ports: {TARPIT_PORTS}\n  udp_ports: []\nrate:\n  read_timeout: 20\n  connect_timeout: 2\n"
    )
    return path


def test_scan_time_limit_stops_the_scan_and_says_so(tarpit: list[int], tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'limit.sqlite'}"
    started = time.monotonic()
    result = CliRunner().invoke(app, ["--db", db, "scan", "--policy", str(_policy(tmp_path)), "--time-limit", "2"])
    elapsed = time.monotonic() - started
    assert result.exit_code == 2, result.output
    assert "time limit of 2 s" in result.output
    assert elapsed < 15, f"the scan took {elapsed:.0f} s"  # a 20 s read timeout would have kept it going
    with Store(db).session() as session:
        (scan,) = session.exec(select(ScanRun)).all()
    assert scan.status == ScanStatus.FAILED.value and "ScanTimeLimit" in (scan.error or "")


def test_a_scheduled_run_stops_at_its_max_runtime(tarpit: list[int], tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'schedule.sqlite'}")
    with store.session() as session:
        add_job(session, "tarpit", str(_policy(tmp_path)), every_seconds=3600, max_runtime_seconds=2)
        session.commit()
    started = time.monotonic()
    run = run_job_now(store, "tarpit")
    assert time.monotonic() - started < 15
    assert run.status == "failed" and "time limit of 2 s" in (run.reason or "")
