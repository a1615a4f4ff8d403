"""SIGKILL of a real `muniscan agent run` mid-scan: nothing stays `running`, the job is lost then completes
elsewhere when delivered again, and findings are not doubled.

Own addresses: 127.105.0.8/29 (device at 127.105.0.9)."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dramatiq import Message
from dramatiq.brokers.redis import RedisBroker
from sqlalchemy import func
from sqlmodel import col, select
from typer.testing import CliRunner

from muniscan.cli.main import app
from muniscan.store import Store
from muniscan.store.models import AgentRun, Finding, ScanRun
from tests.agents.agent_lab import REDIS, SITE, TELNET, serving, wait_finished

START = "from muniscan.cli.main import run; run()"
DEVICE, SCOPE = "127.105.0.9", "127.105.0.8/29"
CLOSED = list(range(31001, 31013))  # nothing listens: the rate limit makes each one cost time


def slow_policy(folder: Path) -> Path:
    """One telnet device (a finding) and a dozen closed ports at two packets a second: a scan of several seconds."""
    path = folder / "slow.yaml"
    path.write_text(
        f"name: slow\nscope:\n  include: [{DEVICE}]\n  never_touch_ports: ['2024']\n"
        f"discovery:\n  tcp_ports: {[TELNET, *CLOSED]}\n  udp_ports: []\n"
        "rate:\n  packets_per_second: 2\n  connect_timeout: 1.0\n  read_timeout: 1.0\n",
        encoding="utf-8",
    )
    return path


def start_agent(database_url: str, namespace: str, name: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            START,
            "--db",
            database_url,
            "agent",
            "run",
            "--site",
            SITE,
            "--broker",
            REDIS,
            "--namespace",
            namespace,
            "--scope",
            SCOPE,
            "--never-touch",
            "2024",
            "--name",
            name,
            "--heartbeat",
            "0.5",
            "--lease",
            "3",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def poll(check, timeout: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.2)
    raise AssertionError(f"{what} within {timeout} s")


def job(store: Store, message_id: str) -> AgentRun | None:
    with store.session() as session:
        return session.exec(select(AgentRun).where(AgentRun.message_id == message_id)).first()


@pytest.mark.slow
def test_sigkill_mid_scan_leaves_nothing_running_and_the_job_completes_elsewhere(
    store: Store, database_url: str, namespace: str, broker: RedisBroker, tmp_path: Path
) -> None:
    cli = CliRunner()
    agents = [start_agent(database_url, namespace, "edge-a")]
    try:
        with serving(DEVICE) as device:
            dispatched = cli.invoke(
                app,
                [
                    "--db",
                    database_url,
                    "agent",
                    "dispatch",
                    "--site",
                    SITE,
                    "--policy",
                    str(slow_policy(tmp_path)),
                    "--broker",
                    REDIS,
                    "--namespace",
                    namespace,
                ],
            )
            assert dispatched.exit_code == 0, dispatched.output
            message_id = dispatched.stdout.strip().splitlines()[-1]
            running = poll(
                lambda: (r := job(store, message_id)) and r.status == "running" and r.scan_id and r,
                30,
                "edge-a did not start the scan",
            )
            time.sleep(1.0)  # well inside the scan
            with store.session() as session:
                assert session.get(ScanRun, running.scan_id).status == "running"  # type: ignore[union-attr]
            agents[0].kill()  # SIGKILL: no handler runs, nothing is recorded by edge-a any more
            agents[0].wait(10)

            def lost() -> dict | None:  # type: ignore[type-arg]
                status = cli.invoke(app, ["--db", database_url, "agent", "status", "--json"])
                assert status.exit_code == 0, status.output
                run = job(store, message_id)
                return json.loads(status.stdout)[0] if run and run.status == "lost" else None

            edge_a = poll(lost, 15, "the job was not marked lost")
            assert edge_a["name"] == "edge-a" and edge_a["state"] == "silent" and edge_a["jobs"] == []
            with store.session() as session:
                scan = session.get(ScanRun, running.scan_id)
                # lost by the lease, or interrupted first by the store's check of dead scan processes on this host
                assert scan is not None and scan.status in ("lost", "interrupted") and scan.error
                assert session.exec(select(ScanRun).where(ScanRun.status == "running")).all() == []

            # The queue delivers the job again (as Redis does once edge-a's queue heartbeat is gone): edge-b
            # takes the lost job and completes it; a third delivery is recorded and not scanned.
            agents.append(start_agent(database_url, namespace, "edge-b"))
            unacked = broker.client.hvals(f"{namespace}:muniscan-site.{SITE}.msgs")  # edge-a never acknowledged it
            [redelivered] = [m for m in map(Message.decode, unacked) if m.message_id == message_id]
            broker.enqueue(redelivered)
            done = wait_finished(store, message_id, timeout=60)
            assert done.status == "completed" and done.agent == "edge-b" and done.deliveries == 2, done.error
            assert "lost" in (done.note or "")
            connections = device.connections
            broker.enqueue(redelivered)
            poll(lambda: (r := job(store, message_id)) and r.deliveries == 3, 20, "the third delivery was not recorded")
            assert device.connections == connections
    finally:
        for agent in agents:
            if agent.poll() is None:
                agent.kill()
                agent.wait()
    with store.session() as session:
        statuses = sorted(s.status for s in session.exec(select(ScanRun)).all())
        fingerprints = session.exec(select(Finding.fingerprint)).all()
        per_check = session.exec(select(Finding.check_id, func.count()).group_by(col(Finding.check_id))).all()
    assert statuses in (["completed", "lost"], ["completed", "interrupted"])
    assert fingerprints and len(fingerprints) == len(set(fingerprints))
    assert all(count == 1 for _, count in per_check)  # one device: one finding per check, never two
