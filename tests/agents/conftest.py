"""Real Redis (a key namespace of its own per test), a loopback telnet-like device, an in-process agent."""

import uuid
from collections.abc import Iterator

import pytest
from dramatiq.brokers.redis import RedisBroker

from muniscan.agents.broker import make_broker
from muniscan.agents.ceiling import agent_ceiling
from muniscan.agents.worker import build_worker
from muniscan.store import Store
from tests.agents.agent_lab import AGENT_SCOPE, DEVICE, REDIS, SITE, TelnetLike, serving


@pytest.fixture
def device() -> Iterator[TelnetLike]:
    with serving(DEVICE) as server:
        yield server


@pytest.fixture
def namespace() -> Iterator[str]:
    """A Redis key prefix of this test's own; only its keys are deleted afterwards."""
    prefix = f"muniscan-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    cleaner = make_broker(REDIS, prefix)
    for key in cleaner.client.scan_iter(match=f"{prefix}:*"):
        cleaner.client.delete(key)
    cleaner.close()


@pytest.fixture
def broker(namespace: str) -> Iterator[RedisBroker]:
    opened = make_broker(REDIS, namespace)
    opened.client.ping()  # Redis must be up: these tests are about the real queue
    yield opened
    opened.close()


@pytest.fixture
def agent(broker: RedisBroker, store: Store) -> Iterator[None]:
    """An in-process agent for SITE, stopped after the test."""
    worker = build_worker(broker, store, SITE, "test-agent", agent_ceiling([AGENT_SCOPE], ["2024"]), threads=1)
    worker.start()
    yield
    worker.stop(timeout=10_000)
