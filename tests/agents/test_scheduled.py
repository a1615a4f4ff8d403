"""A scheduled job routed to agents: the scheduler queues its run (recorded as dispatched), the agent scans."""

import json
import time
from pathlib import Path

import pytest
from dramatiq.brokers.redis import RedisBroker
from sqlmodel import select
from typer.testing import CliRunner

from muniscan.cli.main import app
from muniscan.schedule.jobs import add_job
from muniscan.schedule.routes import set_route
from muniscan.schedule.runner import run_job_now
from muniscan.store import Store
from muniscan.store.models import AgentRoute, Schedule
from tests.agents.agent_lab import DEVICE, REDIS, SITE, TelnetLike, wait_finished, write_policy

runner = CliRunner()


def test_a_routed_job_is_dispatched_and_run_by_the_site_agent(
    store: Store,
    database_url: str,
    namespace: str,
    broker: RedisBroker,
    agent: None,
    device: TelnetLike,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MUNISCAN_BROKER_URL", "redis://127.0.0.1:1/0")  # the route's --broker wins over this
    monkeypatch.setenv("MUNISCAN_BROKER_NAMESPACE", namespace)
    with store.session() as session:
        add_job(
            session,
            "north-nightly",
            str(write_policy(tmp_path)),
            every_seconds=3600,
            targets=[DEVICE],
            site=SITE,
            max_runtime_seconds=120,
        )
        session.commit()
    routed = runner.invoke(app, ["--db", database_url, "agent", "route", "north-nightly", "--broker", REDIS])
    assert routed.exit_code == 0 and f"dispatched to site {SITE}" in routed.output
    run = run_job_now(store, "north-nightly")
    assert run.status == "dispatched" and run.scan_id is None, run.reason
    message_id = run.message_id
    assert message_id and message_id in (run.reason or "")
    agent_run = wait_finished(store, message_id)
    assert agent_run.status == "completed", agent_run.error
    assert (agent_run.schedule, agent_run.time_limit, agent_run.agent) == ("north-nightly", 120.0, "test-agent")
    shown = json.loads(runner.invoke(app, ["--db", database_url, "schedule", "runs", "--json"]).output)
    assert [(r["status"], r["agent_status"], r["scan_id"]) for r in shown] == [
        ("dispatched", "completed", agent_run.scan_id)
    ]
    assert agent_run.scan_id is not None
    with store.session() as session:
        assert session.exec(select(Schedule)).one().lease_owner is None


def test_route_refuses_unknown_jobs_and_central_only_check_folders(
    store: Store, database_url: str, tmp_path: Path
) -> None:
    with store.session() as session:
        add_job(session, "custom", "enisa-baseline", every_seconds=60, site=SITE, checks_dirs=[str(tmp_path)])
        add_job(session, "central", "enisa-baseline", every_seconds=60, site=SITE)
        session.commit()
    assert runner.invoke(app, ["--db", database_url, "agent", "route", "nope"]).exit_code == 2
    secret = runner.invoke(app, ["--db", database_url, "agent", "route", "central", "--broker", "redis://:pw@q/0"])
    assert secret.exit_code == 2 and "password" in secret.output
    refused = runner.invoke(app, ["--db", database_url, "agent", "route", "custom"])
    assert refused.exit_code == 2 and "check folders" in refused.output
    assert runner.invoke(app, ["--db", database_url, "agent", "route", "central"]).exit_code == 0
    assert runner.invoke(app, ["--db", database_url, "agent", "route", "central", "--off"]).exit_code == 0
    with store.session() as session:
        assert session.exec(select(AgentRoute)).all() == []
    # removing a routed job takes its route with it (the foreign key cascades)
    assert runner.invoke(app, ["--db", database_url, "agent", "route", "central"]).exit_code == 0
    assert runner.invoke(app, ["--db", database_url, "schedule", "remove", "central"]).exit_code == 0
    with store.session() as session:
        assert session.exec(select(AgentRoute)).all() == []


def test_a_routed_job_does_not_overlap_its_unfinished_run_on_the_agents(
    store: Store,
    namespace: str,
    broker: RedisBroker,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No agent takes the queue here: the first run waits in it, so the next trigger is skipped, until the job's
    max runtime has passed and the waiting run counts as lost."""
    monkeypatch.setenv("MUNISCAN_BROKER_URL", REDIS)
    monkeypatch.setenv("MUNISCAN_BROKER_NAMESPACE", namespace)
    with store.session() as session:
        add_job(
            session,
            "north-hourly",
            str(write_policy(tmp_path)),
            every_seconds=3600,
            targets=[DEVICE],
            site=SITE,
            max_runtime_seconds=2,
        )
        session.commit()
    set_route(store, "north-hourly", routed=True)
    first = run_job_now(store, "north-hourly")
    assert first.status == "dispatched"
    second = run_job_now(store, "north-hourly")
    assert second.status == "skipped" and "still queued on site north" in (second.reason or "")
    time.sleep(2.2)
    third = run_job_now(store, "north-hourly")
    assert third.status == "dispatched", third.reason
