"""`muniscan agent run` as an operator starts it: a real process that takes a job and stops cleanly on SIGTERM."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dramatiq.brokers.redis import RedisBroker
from typer.testing import CliRunner

from muniscan.cli.main import app
from muniscan.store import Store
from tests.agents.agent_lab import AGENT_SCOPE, DEVICE, REDIS, SITE, TelnetLike, wait_finished, write_policy

START = "from muniscan.cli.main import run; run()"


@pytest.mark.slow
@pytest.mark.parametrize("processes", ["1", "2"])
def test_agent_run_takes_a_job_and_stops_on_sigterm(
    store: Store,
    database_url: str,
    namespace: str,
    broker: RedisBroker,
    device: TelnetLike,
    tmp_path: Path,
    processes: str,
) -> None:
    command = [
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
        "--scope",
        AGENT_SCOPE,
        "--never-touch",
        "2024",
        "--namespace",
        namespace,
        "--name",
        "edge-1",
        "--processes",
        processes,
        "--stop-timeout",
        "10",
    ]
    agent = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        dispatched = CliRunner().invoke(
            app,
            [
                "--db",
                database_url,
                "agent",
                "dispatch",
                "--site",
                SITE,
                "--policy",
                str(write_policy(tmp_path)),
                "--target",
                DEVICE,
                "--broker",
                REDIS,
                "--namespace",
                namespace,
            ],
        )
        assert dispatched.exit_code == 0, dispatched.output
        run = wait_finished(store, dispatched.stdout.strip().splitlines()[-1], timeout=60)
        assert run.status == "completed", run.error
        assert run.agent == ("edge-1" if processes == "1" else run.agent) and (run.agent or "").startswith("edge-1")
        started = time.monotonic()
        agent.send_signal(signal.SIGTERM)
        output, _ = agent.communicate(timeout=30)
        assert agent.returncode == 0, output
        assert time.monotonic() - started < 15
        # the agent's own records reach the output, from spawned children too; Dramatiq's housekeeping does not
        assert f"job {run.message_id}: scan {run.scan_id} completed" in output, output
        assert "INFO dramatiq" not in output, output
    finally:
        if agent.poll() is None:
            agent.kill()
            agent.wait()
