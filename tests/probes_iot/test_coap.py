"""Given a lab CoAP device, the coap probe lists and reads what an aiocoap client can read."""

import asyncio
from pathlib import Path

import aiocoap
import pytest

from muniscan.facts.attempt import AttemptStatus
from muniscan.scanner.probes.base import ServiceTarget
from muniscan.scanner.probes.coap import PROBE
from tests.lab_device import running

from .conftest import lab_address, run_probe

ADDRESS = lab_address(2)
TARGET = ServiceTarget(ADDRESS, 5683, transport="udp", name="coap")
RESOURCES = [
    {"path": "water/level", "payload": '{"level_m": 1.42}', "rt": "level"},
    {"path": "bins/a4:5e:60:1c:33:9f/fill", "payload": "73", "content_format": "text/plain"},
]
CASES = [
    # config, listing code, listed, readable
    ({"resources": RESOURCES}, "2.05 Content", 2, 2),
    ({"resources": RESOURCES, "auth_required": True}, "2.05 Content", 2, 0),
    ({"resources": RESOURCES, "auth_required": True, "hide_listing": True}, "4.01 Unauthorized", 0, 0),
]


@pytest.mark.parametrize(("config", "listing", "listed", "readable"), CASES)
def test_probe_lists_and_reads_resources(tmp_path: Path, config, listing: str, listed: int, readable: int) -> None:
    async def scenario():
        async with running(tmp_path, "coap", ADDRESS, 5683, config):
            return await run_probe(PROBE, TARGET)

    result = asyncio.run(scenario())
    assert result.status is AttemptStatus.COMPLETED, result.reason
    assert (result.facts.listing_code, result.facts.listed, len(result.facts.readable)) == (listing, listed, readable)
    assert "1c:33:9f" not in str(result.facts)  # the bin's MAC is masked in its path


def test_silent_port_is_an_error_so_the_udp_port_counts_as_closed() -> None:
    result = asyncio.run(run_probe(PROBE, ServiceTarget(lab_address(3), 5683, transport="udp")))
    assert result.status is AttemptStatus.ERROR


def test_bad_configuration_open_resources_are_read_by_a_real_coap_client(tmp_path: Path) -> None:
    async def scenario():
        async with running(tmp_path, "coap", ADDRESS, 5683, {"resources": RESOURCES}):
            client = await aiocoap.Context.create_client_context()
            try:
                listing = await client.request(
                    aiocoap.Message(code=aiocoap.GET, uri=f"coap://{ADDRESS}/.well-known/core")
                ).response
                level = await client.request(
                    aiocoap.Message(code=aiocoap.GET, uri=f"coap://{ADDRESS}/water/level")
                ).response
            finally:
                await client.shutdown()
            return listing, level

    listing, level = asyncio.run(scenario())
    assert b"</water/level>" in listing.payload
    assert level.code == aiocoap.CONTENT and b"level_m" in level.payload
