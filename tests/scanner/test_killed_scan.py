"""Given a scan whose process is killed (kill -9), when the next command opens the store, then the scan is marked
interrupted with the reason, never left `running` forever; a scan still running is left alone."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy.exc import OperationalError
from sqlmodel import select

from muniscan.store import Store
from muniscan.store.models import ScanRun
from muniscan.store.runners import runner_id

TARPIT = "127.107.7.1"


def test_a_killed_scan_is_marked_interrupted_by_the_next_command(tmp_path: Path) -> None:
    db = tmp_path / "killed.sqlite"
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        f"name: tarpit\nscope:\n  include: [{TARPIT}]\n  never_touch_ports: ['2024']\n"
        "discovery:\n  tcp_ports: [2323]\n  udp_ports: []\nrate:\n  read_timeout: 60\n"
    )
    with socket.create_server((TARPIT, 2323)):  # accepts in the kernel, never says a word
        scan = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from muniscan.cli.main import run; run()",
                "--db",
                str(db),
                "scan",
                "--policy",
                str(policy),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if db.exists() and _statuses(Store(f"sqlite:///{db}", migrate=False)) == ["running"]:
                        break
                except OperationalError:  # the tables are not there yet
                    pass
                time.sleep(0.2)
            assert _statuses(Store(f"sqlite:///{db}", migrate=False)) == ["running"]
            os.kill(scan.pid, signal.SIGKILL)
            scan.wait(10)
        finally:
            if scan.poll() is None:
                scan.kill()
    store = Store(f"sqlite:///{db}")  # what every command does first
    with store.session() as session:
        (run,) = session.exec(select(ScanRun)).all()
    assert run.status == "interrupted" and "ended without finishing it" in (run.error or "")
    assert run.runner is not None and run.runner.split(":")[1] == str(scan.pid)


def test_a_scan_whose_process_is_alive_is_left_running(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'alive.sqlite'}")
    with store.session() as session:
        session.add(ScanRun(policy_name="p", policy_hash="h", runner=runner_id()))
        session.add(ScanRun(policy_name="p", policy_hash="h", runner="another-host:1:1"))
        session.commit()
    assert store.reap_dead_scans() == 0
    assert _statuses(store) == ["running", "running"]


def _statuses(store: Store) -> list[str]:
    with store.session() as session:
        return [s.status for s in session.exec(select(ScanRun))]
