"""Given a lab UPnP device, the upnp probe asks it alone (unicast) and reads its description."""

import asyncio
import socket
from pathlib import Path

import pytest

from muniscan.facts.attempt import AttemptStatus
from muniscan.scanner.probes.base import ServiceTarget
from muniscan.scanner.probes.upnp import PROBE, m_search
from tests.lab_device import running

from .conftest import lab_address, run_probe

ADDRESS = lab_address(8)
TARGET = ServiceTarget(ADDRESS, 1900, transport="udp", name="ssdp")
CAMERA = {"vendor": "Trafikdata", "model": "TD-Cam 3", "firmware": "2.0.1"}


@pytest.mark.parametrize(("config", "port_mapping"), [({}, False), ({"igd": True, "http_port": 5000}, True)])
def test_probe_reads_maker_model_and_serial(tmp_path: Path, config, port_mapping: bool) -> None:
    async def scenario():
        async with running(tmp_path, "upnp", ADDRESS, 1900, {"serial": "TD3-2291-0042", **config}, **CAMERA) as lab:
            return await run_probe(PROBE, TARGET), lab.log()

    result, log = asyncio.run(scenario())
    assert result.status is AttemptStatus.COMPLETED, result.reason
    facts = result.facts
    assert (facts.manufacturer, facts.model_name, facts.serial) == ("Trafikdata", "TD-Cam 3", "TD3-2291-0042")
    assert facts.port_mapping is port_mapping
    assert [r["event"] for r in log if r["event"] in {"m-search", "http"}] == ["m-search", "http"]


def test_silent_port_is_an_error_so_the_udp_port_counts_as_closed() -> None:
    result = asyncio.run(run_probe(PROBE, ServiceTarget(lab_address(9), 1900, transport="udp")))
    assert result.status is AttemptStatus.ERROR


def test_bad_configuration_any_host_gets_the_location_by_unicast_m_search(tmp_path: Path) -> None:
    def ask() -> bytes:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(2)
            sock.sendto(m_search(ADDRESS), (ADDRESS, 1900))
            return sock.recvfrom(4096)[0]

    async def scenario():
        async with running(tmp_path, "upnp", ADDRESS, 1900, {}, **CAMERA):
            return await asyncio.to_thread(ask)

    reply = asyncio.run(scenario())
    assert reply.startswith(b"HTTP/1.1 200 OK") and f"LOCATION: http://{ADDRESS}:49152/".encode() in reply
