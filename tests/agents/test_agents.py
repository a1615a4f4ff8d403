"""Jobs go through real Redis to an in-process agent, which scans a loopback device into the real store."""

import json
import socket
import time
from pathlib import Path

from dramatiq import Message
from dramatiq.brokers.redis import RedisBroker
from sqlmodel import select
from typer.testing import CliRunner

from muniscan.agents.broker import ACTOR, queue_name
from muniscan.cli.main import app
from muniscan.policies import load_policy
from muniscan.store import Store
from muniscan.store.models import AgentRun, Asset, ScanRun
from tests.agents.agent_lab import (
    DEVICE,
    OTHER,
    REDIS,
    SITE,
    TELNET,
    TelnetLike,
    queue_recorded,
    redis_keys,
    wait_finished,
    write_policy,
)

runner = CliRunner()


def cli(database_url: str, namespace: str, *args: str) -> list[str]:
    return ["--db", database_url, "agent", *args, "--broker", REDIS, "--namespace", namespace]


def test_a_dispatched_job_is_scanned_by_the_site_agent_into_the_store(
    store: Store,
    database_url: str,
    namespace: str,
    broker: RedisBroker,
    agent: None,
    device: TelnetLike,
    tmp_path: Path,
) -> None:
    policy = write_policy(tmp_path)
    started = time.monotonic()
    result = runner.invoke(
        app,
        cli(
            database_url,
            namespace,
            "dispatch",
            "--site",
            SITE,
            "--policy",
            str(policy),
            "--target",
            DEVICE,
            "--time-limit",
            "60",
            "--json",
        ),
    )
    assert result.exit_code == 0, result.output
    queued = json.loads(result.stdout)
    assert (queued["site"], queued["policy"], queued["targets"]) == (SITE, "agent-test", [DEVICE])
    message_id = queued["message_id"]
    run = wait_finished(store, message_id)
    elapsed = time.monotonic() - started
    assert run.status == "completed", run.error
    assert (run.site, run.agent, run.policy_name, run.targets, run.time_limit) == (
        SITE,
        "test-agent",
        "agent-test",
        [DEVICE],
        60.0,
    )
    with store.session() as session:
        scan = session.get(ScanRun, run.scan_id)
        asset = session.exec(select(Asset).where(Asset.address == DEVICE)).one()
    assert scan is not None and scan.status == "completed" and scan.site == SITE
    assert scan.policy_hash and asset.site == SITE
    assert device.connections > 0
    listed = runner.invoke(app, ["--db", database_url, "agent", "runs", "--json", "--site", SITE])
    [row] = json.loads(listed.stdout)
    assert (row["message_id"], row["scan_id"], row["status"]) == (message_id, scan.id, "completed")
    print(f"dispatch to stored scan: {elapsed:.2f} s")


def test_an_out_of_scope_target_in_a_message_is_refused_recorded_and_nothing_is_sent(
    store: Store, broker: RedisBroker, agent: None, device: TelnetLike, tmp_path: Path
) -> None:
    # A message the central check would have refused: the policy's scope is OTHER, the target is the device.
    policy = load_policy(write_policy(tmp_path, include=OTHER))
    run = wait_finished(store, queue_recorded(store, broker, policy, [DEVICE]))
    assert run.status == "failed" and "OutOfScope" in (run.error or "") and run.agent == "test-agent"
    with store.session() as session:
        assert session.exec(select(ScanRun)).all() == []
    assert device.connections == 0


def test_bad_messages_are_recorded_as_failed_and_the_agent_keeps_working(
    store: Store, broker: RedisBroker, agent: None, device: TelnetLike, tmp_path: Path
) -> None:
    def message(args: tuple[object, ...] = (), **kwargs: object) -> Message[None]:
        return Message(queue_name=queue_name(SITE), actor_name=ACTOR, args=args, kwargs=kwargs, options={})

    bad = {
        "content": message(format=2, site=SITE, targets=[DEVICE]),
        "site": message(format=2, site="south"),
        "args": message((1,)),
        "unrecorded": message(format=2, site=SITE),
    }
    for sent in bad.values():
        broker.enqueue(sent)
    errors = {name: wait_finished(store, m.message_id).error or "" for name, m in bad.items()}
    assert "names a recorded job, nothing more" in errors["content"] and "targets" in errors["content"]
    assert "for site 'south'" in errors["site"]
    assert "positional" in errors["args"]
    assert "did not record" in errors["unrecorded"]
    assert device.connections == 0
    ok = queue_recorded(store, broker, load_policy(write_policy(tmp_path)), [DEVICE])
    assert wait_finished(store, ok).status == "completed"


def test_the_time_limit_travels_with_the_job(store: Store, broker: RedisBroker, agent: None, tmp_path: Path) -> None:
    policy = load_policy(write_policy(tmp_path, rate="rate:\n  connect_timeout: 1.0\n  read_timeout: 20\n"))
    with socket.create_server((DEVICE, TELNET)):  # accepts in the kernel, never says a word
        run = wait_finished(store, queue_recorded(store, broker, policy, [DEVICE], time_limit=0.5))
    assert run.status == "failed" and "time limit of 0.5 s" in (run.error or "") and run.time_limit == 0.5


def test_dispatch_refuses_bad_policies_sites_and_out_of_scope_targets_and_queues_nothing(
    database_url: str, namespace: str, broker: RedisBroker, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: broken\nscope:\n  include: [127.88.4.1]\n  never_touch_ports: ['2024']\nbogus: 1\n")
    policy = str(write_policy(tmp_path))
    refused = {
        "policy": cli(database_url, namespace, "dispatch", "--site", SITE, "--policy", str(broken)),
        "missing": cli(database_url, namespace, "dispatch", "--site", SITE, "--policy", "no-such.yaml"),
        "site": cli(database_url, namespace, "dispatch", "--site", "../x", "--policy", policy),
        "scope": cli(database_url, namespace, "dispatch", "--site", SITE, "--policy", policy, "--target", OTHER),
    }
    for name, args in refused.items():
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (name, result.output)
    assert "bogus" in runner.invoke(app, refused["policy"]).output
    assert redis_keys(broker, namespace) == []
    with Store(database_url).session() as session:
        assert session.exec(select(AgentRun)).all() == []
