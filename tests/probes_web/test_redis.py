"""Given a real Redis server open or behind a password, the redis probe tells which without logging in."""

import asyncio
import random
import shutil
from pathlib import Path

import pytest

from muniscan.scanner.probes import redis
from muniscan.scanner.probes.base import AttemptStatus, ServiceTarget
from tests.lab_device import running

from .conftest import run_probe

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")
ADDRESS = f"127.102.1.{random.randint(10, 250)}"
PORT = 16379


def probe(tmp_path: Path, config: dict) -> redis.RedisFacts:
    async def scenario():
        async with running(tmp_path, "redis", ADDRESS, PORT, config):
            return await run_probe(redis.PROBE, ServiceTarget(ADDRESS, PORT, name="redis"))

    result = asyncio.run(scenario())
    assert result.status is AttemptStatus.COMPLETED, result.reason
    return result.facts


@pytest.mark.parametrize(("config", "auth_required"), [({}, False), ({"password": "Redis-Test-91"}, True)])
def test_open_and_authenticated_redis(tmp_path: Path, config: dict, auth_required: bool) -> None:
    facts = probe(tmp_path, config)
    assert facts.auth_required is auth_required
    assert (facts.version or "").count(".") == (0 if auth_required else 2)  # INFO only read when open
    assert facts.answer == ("NOAUTH Authentication required." if auth_required else "PONG")


def test_not_redis_is_a_protocol_error(tmp_path: Path) -> None:
    async def scenario():
        async with running(tmp_path, "http", ADDRESS, PORT, {}):
            return await run_probe(redis.PROBE, ServiceTarget(ADDRESS, PORT, name="redis"))

    result = asyncio.run(scenario())
    assert result.status is AttemptStatus.ERROR and result.reason.startswith("protocol")
