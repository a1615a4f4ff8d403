"""Given a scan killed mid-way (SIGTERM or Ctrl-C), the store says so and a rerun adds no duplicates."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func
from sqlmodel import select

from muniscan.store import Store
from muniscan.store.models import Asset, ScanRun, ScanStatus, Service

pytestmark = pytest.mark.slow
MUNISCAN = Path(sys.executable).parent / "muniscan"
HOSTILE_ADDRESS = "127.77.12.21"  # slow, misbehaving services that keep the scan busy (tests/scanner/conftest.py)


def _policy_file(tmp_path: Path, greeters: dict[tuple[str, int], bytes], ports: dict[str, list[int]]) -> Path:
    addresses = sorted({a for a, _ in greeters})
    policy = {
        "name": "interrupt-test",
        "scope": {"include": [*addresses, HOSTILE_ADDRESS], "never_touch_ports": ["2024", "515", "9100-9107"]},
        "discovery": {"tcp_ports": sorted({p for _, p in greeters} | set(ports["tcp"])), "udp_ports": []},
        "rate": {"connect_timeout": 2, "read_timeout": 4, "retries": 2},
    }
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(policy))
    return path


def _scan(db: str, policy: Path, *targets: str) -> subprocess.Popen[bytes]:
    command = [str(MUNISCAN), "--db", db, "scan", "--policy", str(policy), "-q", *targets]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ})


def _assets(store: Store) -> int:
    with store.session() as session:
        return session.exec(select(func.count()).select_from(Asset)).one()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_a_killed_scan_is_marked_interrupted_and_a_rerun_makes_no_duplicates(
    stop: signal.Signals,
    greeters: dict[tuple[str, int], bytes],
    hostile: dict[str, list[int]],
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    addresses = sorted({a for a, _ in greeters})
    db = f"sqlite:///{tmp_path / 'interrupt.sqlite'}"
    store = Store(db)
    policy = _policy_file(tmp_path, greeters, hostile)
    process = _scan(db, policy)
    request.addfinalizer(lambda: process.poll() is None and process.kill())
    deadline = time.monotonic() + 60
    while _assets(store) == 0 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert process.poll() is None, "the scan ended before it could be interrupted"
    process.send_signal(stop)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130, err.decode()
    assert b"interrupted" in err
    with store.session() as session:
        (first,) = session.exec(select(ScanRun)).all()
    assert first.status == ScanStatus.INTERRUPTED.value and first.finished_at is not None
    assert "KeyboardInterrupt" in (first.error or "")

    rerun = _scan(db, policy, *addresses)
    request.addfinalizer(lambda: rerun.poll() is None and rerun.kill())
    assert rerun.wait(timeout=120) == 0, rerun.stderr.read().decode() if rerun.stderr else ""
    with store.session() as session:
        assets = session.exec(select(Asset)).all()
        services = session.exec(select(Service)).all()
        statuses = [s.status for s in session.exec(select(ScanRun).order_by(ScanRun.id))]
    assert statuses == ["interrupted", "completed"]
    assert len({a.identity for a in assets}) == len(assets)
    assert {a.address for a in assets} >= set(addresses)
    assert len({(s.asset_id, s.transport, s.port) for s in services}) == len(services)
    store.dispose()
