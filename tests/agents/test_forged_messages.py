"""Whoever can write to the queue cannot steer an agent: each forged message the hardening review sent is
refused with zero connections, and a job the central node did record is still held to the agent's ceiling."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dramatiq import Message
from dramatiq.brokers.redis import RedisBroker
from sqlmodel import select

from muniscan.agents.broker import ACTOR, queue_name
from muniscan.agents.ceiling import agent_ceiling
from muniscan.agents.dispatch import dispatch
from muniscan.agents.jobs import job_for
from muniscan.agents.worker import build_worker
from muniscan.policies import Policy, load_policy
from muniscan.store import Store
from muniscan.store.models import AgentRun, Finding, ScanRun
from tests.agents.agent_lab import SITE, TELNET, TelnetLike, serving, wait_finished

DEVICE = "127.107.1.1"
SCOPE = "127.107.1.0/29"
PRINTER = 9100  # on the shipped never-touch list


@pytest.fixture
def listeners() -> Iterator[tuple[TelnetLike, TelnetLike]]:
    with serving(DEVICE, TELNET) as telnet, serving(DEVICE, PRINTER) as printer:
        yield telnet, printer


@pytest.fixture
def careful_agent(broker: RedisBroker, store: Store) -> Iterator[None]:
    """An agent with the default ceiling: safe probes, 500 packets/s, 2 per host, 128 in all."""
    worker = build_worker(broker, store, SITE, "careful-agent", agent_ceiling([SCOPE], ["2024"]), threads=1)
    worker.start()
    yield
    worker.stop(timeout=10_000)


def _policy(folder: Path, extra: str = "", never_touch: str = "['2024', '515', '9100-9107', '9999']") -> Policy:
    path = folder / "forged.yaml"
    path.write_text(
        f"name: forged\nscope:\n  include: [{DEVICE}]\n  never_touch_ports: {never_touch}\n"
        f"discovery:\n  tcp_ports: [{TELNET}, {PRINTER}]\n  udp_ports: []\n"
        f"rate:\n  connect_timeout: 1.0\n  read_timeout: 1.0\n{extra}",
        encoding="utf-8",
    )
    return load_policy(path)


FORGED = {
    "intrusive-on": ("probes:\n  allow: [passive, safe, intrusive]\n", None),
    "rate-lifted": (
        "rate:\n  packets_per_second: 100000\n  per_host_concurrency: 64\n  global_concurrency: 4096\n"
        "  connect_timeout: 1.0\n  read_timeout: 1.0\n",
        None,
    ),
    "never-touch-dropped": ("", "['2024']"),
    "severity-rewritten": ("checks:\n  severity:\n    telnet_management_plaintext: info\n", None),
    "subscription-off": ("probes:\n  mqtt_subscribe_seconds: 0\n", None),
}


def _forged_policy(folder: Path, name: str) -> Policy:
    extra, never_touch = FORGED[name]
    if name == "rate-lifted":  # replaces the rate block
        path = folder / "forged.yaml"
        _policy(folder)
        text = path.read_text().replace("rate:\n  connect_timeout: 1.0\n  read_timeout: 1.0\n", extra)
        path.write_text(text)
        return load_policy(path)
    return _policy(folder, extra, never_touch or "['2024', '515', '9100-9107', '9999']")


def _message(kwargs: dict[str, Any]) -> Message[None]:
    return Message(queue_name=queue_name(SITE), actor_name=ACTOR, args=(), kwargs=kwargs, options={})


def _nothing_scanned(store: Store) -> None:
    with store.session() as session:
        assert session.exec(select(ScanRun)).all() == []
        assert session.exec(select(Finding)).all() == []


@pytest.mark.parametrize("name", list(FORGED))
def test_a_forged_message_carrying_a_policy_is_refused_with_zero_connections(
    store: Store,
    broker: RedisBroker,
    careful_agent: None,
    listeners: tuple[TelnetLike, TelnetLike],
    tmp_path: Path,
    name: str,
) -> None:
    policy = _forged_policy(tmp_path, name)
    # The message as the old format carried it (policy inside), and as the new one with an id never recorded.
    carrying = _message({"format": 1, "site": SITE, "policy": policy.model_dump(mode="json"), "targets": [DEVICE]})
    bare = _message({"format": 2, "site": SITE})
    for message in (carrying, bare):
        broker.enqueue(message)
    errors = [wait_finished(store, m.message_id).error or "" for m in (carrying, bare)]
    assert "names a recorded job, nothing more" in errors[0]
    assert "did not record" in errors[1]
    assert [listener.connections for listener in listeners] == [0, 0]
    _nothing_scanned(store)


def test_a_replayed_message_does_not_run_a_finished_job_again_nor_rewrite_how_it_ended(
    store: Store,
    broker: RedisBroker,
    careful_agent: None,
    listeners: tuple[TelnetLike, TelnetLike],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    message_id = dispatch(broker, store, job_for(_policy(tmp_path), SITE, [DEVICE]))
    first = wait_finished(store, message_id)
    assert first.status == "completed", first.error
    seen = listeners[0].connections
    assert seen > 0
    broker.enqueue(_message({"format": 2, "site": SITE}).copy(message_id=message_id))
    probe = _message({"format": 2, "site": SITE})  # a later message: once it is handled, the replay was too
    broker.enqueue(probe)
    wait_finished(store, probe.message_id)
    with store.session() as session:
        run = session.exec(select(AgentRun).where(AgentRun.message_id == message_id)).one()
        assert len(session.exec(select(ScanRun)).all()) == 1
    assert (run.status, run.scan_id, run.error) == ("completed", first.scan_id, None)
    assert run.deliveries == 2 and "already completed; not scanned" in (run.note or "")  # noted, not rescanned
    assert listeners[0].connections == seen and listeners[1].connections == 0


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("intrusive-on", "probes.allow intrusive above this agent's safe"),
        ("rate-lifted", "rate.packets_per_second 100000 above this agent's 500"),
    ],
)
def test_a_recorded_job_above_the_agents_ceiling_is_refused_with_zero_connections(
    store: Store,
    broker: RedisBroker,
    careful_agent: None,
    listeners: tuple[TelnetLike, TelnetLike],
    tmp_path: Path,
    name: str,
    reason: str,
) -> None:
    message_id = dispatch(broker, store, job_for(_forged_policy(tmp_path, name), SITE, [DEVICE]))
    run = wait_finished(store, message_id)
    assert run.status == "failed" and reason in (run.error or "")
    assert [listener.connections for listener in listeners] == [0, 0]
    _nothing_scanned(store)


def test_the_shipped_never_touch_ports_hold_even_when_the_central_policy_drops_them(
    store: Store,
    broker: RedisBroker,
    careful_agent: None,
    listeners: tuple[TelnetLike, TelnetLike],
    tmp_path: Path,
) -> None:
    message_id = dispatch(broker, store, job_for(_forged_policy(tmp_path, "never-touch-dropped"), SITE, [DEVICE]))
    run = wait_finished(store, message_id)
    assert run.status == "completed", run.error
    telnet, printer = listeners
    assert telnet.connections > 0 and printer.connections == 0


def test_a_job_probing_ports_outside_the_agents_port_list_is_refused(
    store: Store, broker: RedisBroker, listeners: tuple[TelnetLike, TelnetLike], tmp_path: Path
) -> None:
    ceiling = agent_ceiling([SCOPE], ["2024"], ports=["22-23", "80"])
    worker = build_worker(broker, store, SITE, "narrow-agent", ceiling)
    worker.start()
    try:
        run = wait_finished(store, dispatch(broker, store, job_for(_policy(tmp_path), SITE, [DEVICE])))
    finally:
        worker.stop(timeout=10_000)
    assert run.status == "failed" and f"ports {TELNET}, {PRINTER} not in this agent's port list" in (run.error or "")
    assert [listener.connections for listener in listeners] == [0, 0]
