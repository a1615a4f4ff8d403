"""Agents fail safe: a job's message id is its idempotency key, and a job whose lease ran out is lost, with its scan.

Own addresses: 127.105.0.0/29 (device at 127.105.0.1)."""

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from dramatiq.brokers.redis import RedisBroker
from sqlmodel import select

from muniscan.agents.ceiling import agent_ceiling
from muniscan.agents.dispatch import dispatch, job_message
from muniscan.agents.jobs import job_for
from muniscan.agents.leases import claim, heartbeat, reap_lost, register
from muniscan.agents.roster import roster
from muniscan.agents.worker import build_worker
from muniscan.policies import load_policy
from muniscan.store import Store
from muniscan.store.models import AgentRun, Finding, ScanRun
from muniscan.store.models.common import utcnow
from tests.agents.agent_lab import SITE, TelnetLike, serving, wait_finished, write_policy

DEVICE = "127.105.0.1"
SCOPE = "127.105.0.0/29"


@pytest.fixture
def own_device() -> Iterator[TelnetLike]:
    with serving(DEVICE) as server:
        yield server


def test_a_second_delivery_of_a_completed_job_is_recorded_and_not_scanned(
    store: Store, broker: RedisBroker, own_device: TelnetLike, tmp_path: Path
) -> None:
    worker = build_worker(broker, store, SITE, "edge-a", agent_ceiling([SCOPE], ["2024"]))
    worker.start()
    try:
        message_id = dispatch(
            broker, store, job_for(load_policy(write_policy(tmp_path, include=DEVICE)), SITE, [DEVICE])
        )
        assert wait_finished(store, message_id).status == "completed"
        connections = own_device.connections
        broker.enqueue(job_message(SITE).copy(message_id=message_id))  # the queue hands the same job over again
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with store.session() as session:
                run = session.exec(select(AgentRun).where(AgentRun.message_id == message_id)).one()
            if run.deliveries == 2:
                break
            time.sleep(0.1)
    finally:
        worker.stop(timeout=10_000)
    assert run.deliveries == 2 and run.status == "completed"
    assert "already completed; not scanned" in (run.note or "")
    with store.session() as session:
        [scan] = session.exec(select(ScanRun)).all()
        assert len(session.exec(select(Finding)).all()) >= 1
    assert set(scan.counts["seconds"]) == {"discovery_and_probes", "store_writes", "identification", "judgement"}
    assert own_device.connections == connections


def test_a_job_past_its_lease_is_lost_with_its_scan_and_a_live_one_is_not(store: Store) -> None:
    register(store, "edge-dead", SITE, lease=2)
    register(store, "edge-live", SITE, lease=2)
    with store.session() as session:
        scans = [ScanRun(policy_name="p", policy_hash="h", site=SITE) for _ in range(2)]
        session.add_all(scans)
        session.commit()
        session.add_all([AgentRun(message_id=f"m-{i}", site=SITE, scan_id=scan.id) for i, scan in enumerate(scans)])
        session.commit()
    dead, live = claim(store, "m-0", SITE, "edge-dead", lease=2), claim(store, "m-1", SITE, "edge-live", lease=2)
    assert dead is not None and live is not None
    with store.session() as session:  # edge-dead fell silent three seconds ago
        run = session.exec(select(AgentRun).where(AgentRun.message_id == "m-0")).one()
        run.lease_until = utcnow() - timedelta(seconds=1)
        session.add(run)
        session.commit()
    heartbeat(store, "edge-live", lease=2)
    assert [run.message_id for run in reap_lost(store)] == ["m-0"]
    with store.session() as session:
        runs = {r.message_id: r for r in session.exec(select(AgentRun)).all()}
        statuses = {s.id: s.status for s in session.exec(select(ScanRun)).all()}
    assert runs["m-0"].status == "lost" and "edge-dead stopped heartbeating" in (runs["m-0"].error or "")
    assert runs["m-1"].status == "running"
    assert statuses == {scans[0].id: "lost", scans[1].id: "running"}
    assert claim(store, "m-1", SITE, "edge-other", lease=2) is None  # held under a live lease: not taken
    again = claim(store, "m-0", SITE, "edge-other", lease=2)  # a lost job may be taken again
    assert again is not None and again.deliveries == 2 and "lost" in (again.note or "")
    states = {a.name: a for a in roster(store)}
    assert states["edge-live"].jobs == ["m-1"] and states["edge-live"].state == "alive"
    assert states["edge-dead"].jobs == []  # m-0 is now in edge-other's hands
