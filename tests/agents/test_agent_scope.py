"""An agent has a scope of its own, set where it runs: whoever can write to the queue cannot make it scan past
that, and the agent's never-touch ports hold for every job."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from dramatiq.brokers.redis import RedisBroker
from sqlmodel import select
from typer.testing import CliRunner

from muniscan.agents.broker import AgentError
from muniscan.agents.ceiling import agent_ceiling
from muniscan.agents.worker import build_worker
from muniscan.cli.main import app
from muniscan.policies import load_policy
from muniscan.store import Store
from muniscan.store.models import ScanRun
from tests.agents.agent_lab import (
    AGENT_SCOPE,
    DEVICE,
    OUTSIDE_AGENT,
    SITE,
    TELNET,
    TelnetLike,
    queue_recorded,
    serving,
    wait_finished,
    write_policy,
)


@pytest.fixture
def outsider() -> Iterator[TelnetLike]:
    """A device the policy in a forged message includes, but the agent's own scope does not."""
    with serving(OUTSIDE_AGENT) as server:
        yield server


@pytest.mark.parametrize("targets", [[OUTSIDE_AGENT], []], ids=["named-target", "whole-policy-scope"])
def test_a_job_reaching_past_the_agents_own_scope_is_refused_and_nothing_is_sent(
    store: Store, broker: RedisBroker, agent: None, outsider: TelnetLike, tmp_path: Path, targets: list[str]
) -> None:
    policy = load_policy(write_policy(tmp_path, include=OUTSIDE_AGENT))  # a policy that would allow it
    run = wait_finished(store, queue_recorded(store, broker, policy, targets))
    assert run.status == "failed" and f"outside this agent's own scope: {OUTSIDE_AGENT}" in (run.error or "")
    with store.session() as session:
        assert session.exec(select(ScanRun)).all() == []
    assert outsider.connections == 0


def test_the_agents_never_touch_ports_are_added_to_every_job(
    store: Store, broker: RedisBroker, device: TelnetLike, tmp_path: Path
) -> None:
    worker = build_worker(broker, store, SITE, "careful-agent", agent_ceiling([AGENT_SCOPE], ["2024", str(TELNET)]))
    worker.start()
    try:
        run = wait_finished(store, queue_recorded(store, broker, load_policy(write_policy(tmp_path)), [DEVICE]))
    finally:
        worker.stop(timeout=10_000)
    assert run.status == "completed", run.error
    assert device.connections == 0  # the job's policy allowed port 2323; the agent does not


@pytest.mark.parametrize(("networks", "message"), [([], "needs its own scope"), (["10.0.0.0/33"], "agent scope")])
def test_an_agent_without_a_valid_scope_of_its_own_does_not_start(networks: list[str], message: str) -> None:
    with pytest.raises(AgentError, match=message):
        agent_ceiling(networks, ["2024"])


def test_agent_run_requires_a_scope(database_url: str) -> None:
    result = CliRunner().invoke(app, ["--db", database_url, "agent", "run", "--site", SITE])
    assert result.exit_code == 2 and "--scope" in result.output
