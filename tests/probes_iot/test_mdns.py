"""Given a lab mDNS responder, the mdns probe lists its services with unicast queries and masks identifiers."""

import asyncio
import random
from pathlib import Path

import dns.asyncquery
import dns.message
import dns.rdatatype
import pytest

from muniscan.facts.attempt import AttemptStatus
from muniscan.scanner.probes.base import ServiceTarget
from muniscan.scanner.probes.mdns import PROBE, mask_identifiers, mask_txt
from tests.lab_device import running

from .conftest import run_probe

# Each run takes its own three addresses in 127.77.15.0/24, so runs side by side rarely collide.
_BASE = random.Random().randrange(60) * 4 + 9
ADDRESS, SILENT = f"127.77.15.{_BASE}", f"127.77.15.{_BASE + 1}"
TARGET = ServiceTarget(ADDRESS, 5353, transport="udp", name="mdns")
DISPLAY = {"vendor": "Skyltab", "model": "LD-55", "firmware": "3.2.1"}
SERVICES = [
    {
        "type": "_http._tcp",
        "name": "Lobby display [a4:5e:60:1c:33:9f]",
        "port": 80,
        "txt": {"model": "LD-55", "fw": "3.2.1", "serial": "LD55-2291-0042", "path": "/"},
    },
    {"type": "_ipp._tcp", "name": "Printer", "port": 631, "txt": {"ty": "Printwell P9"}},
]


def test_probe_lists_service_types_instances_and_txt_with_identifiers_masked(tmp_path: Path) -> None:
    config = {"host_name": "display-a45e601c339f", "services": SERVICES}

    async def scenario():
        async with running(tmp_path, "mdns", ADDRESS, 5353, config, **DISPLAY) as lab:
            return await run_probe(PROBE, TARGET), lab.log()

    result, log = asyncio.run(scenario())
    assert result.status is AttemptStatus.COMPLETED, result.reason
    facts = result.facts
    assert facts.service_types == ("_http._tcp", "_ipp._tcp")
    http, ipp = facts.services
    assert (http.instance, http.port, ipp.port) == ("Lobby display [a4:5e:60:**:**:**]", 80, 631)
    assert http.txt == ("model=LD-55", "fw=3.2.1", "serial=L***-****-***2", "path=/")
    assert facts.host_names == ("display-a4:5e:60:**:**:**",)
    assert "1c:33:9f" not in str(facts) and "1c339f" not in str(facts) and "2291" not in str(facts)
    assert {r["event"] for r in log} == {"listening", "query"}
    assert all(r["source"] == "127.0.0.1" for r in log if r["event"] == "query")


def test_default_service_carries_vendor_model_and_firmware(tmp_path: Path) -> None:
    async def scenario():
        async with running(tmp_path, "mdns", ADDRESS, 5353, {}, **DISPLAY):
            return await run_probe(PROBE, TARGET)

    result = asyncio.run(scenario())
    assert result.facts.services[0].txt == ("vendor=Skyltab", "model=LD-55", "fw=3.2.1")


def test_silent_port_is_an_error_so_the_udp_port_counts_as_closed() -> None:
    result = asyncio.run(run_probe(PROBE, ServiceTarget(SILENT, 5353, transport="udp")))
    assert result.status is AttemptStatus.ERROR


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Lobby display", "Lobby display"),
        ("cam-A45E601C339F", "cam-a4:5e:60:**:**:**"),
        ("Sensor 19121212-1212", "Sensor 19******-**12"),
        ("ops@kommun.example", "o***@kommun.example"),
    ],
)
def test_free_text_identifiers_are_masked(text: str, masked: str) -> None:
    assert mask_identifiers(text) == masked


@pytest.mark.parametrize(
    ("entry", "masked"),
    [
        (b"fw=3.2.1", "fw=3.2.1"),
        (b"mac=a4:5e:60:1c:33:9f", "mac=a4:5e:60:**:**:**"),
        (b"deviceid=XK91-7731", "deviceid=X***-***1"),
        (b"flag", "flag"),
    ],
)
def test_txt_values_under_identifier_keys_are_masked(entry: bytes, masked: str) -> None:
    assert mask_txt(entry) == masked


def test_bad_configuration_dnspython_reads_the_model_from_txt(tmp_path: Path) -> None:
    async def scenario():
        async with running(tmp_path, "mdns", ADDRESS, 5353, {"services": SERVICES}, **DISPLAY):
            query = dns.message.make_query("_http._tcp.local.", dns.rdatatype.PTR)
            return await dns.asyncquery.udp(query, ADDRESS, timeout=2, port=5353)

    response = asyncio.run(scenario())
    txt = [s for r in response.additional if r.rdtype == dns.rdatatype.TXT for rd in r for s in rd.strings]
    assert b"model=LD-55" in txt and b"serial=LD55-2291-0042" in txt
