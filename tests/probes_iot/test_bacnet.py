"""Given a lab BACnet/IP controller, the bacnet probe reads its identity with unicast requests and never writes."""

import asyncio
import random
from pathlib import Path

import pytest
from bacpypes3.app import Application
from bacpypes3.local.device import DeviceObject
from bacpypes3.local.networkport import NetworkPortObject
from bacpypes3.pdu import Address, IPv4Address

from muniscan.facts.attempt import AttemptStatus
from muniscan.scanner.probes.bacnet import PROBE, frame, unframe
from muniscan.scanner.probes.base import ServiceTarget
from tests.lab_device import running

from .conftest import run_probe

# Each run takes its own four addresses in 127.77.15.0/24, so runs side by side rarely collide.
_BASE = random.Random().randrange(60) * 4 + 8
ADDRESS, OTHER, SILENT, CLIENT = (f"127.77.15.{_BASE + i}" for i in range(4))
TARGET = ServiceTarget(ADDRESS, 47808, transport="udp", name="bacnet")
AHU = {"vendor": "Klimatix", "model": "KX-AHU 40", "firmware": "4.2.1"}
CONFIG = {"device_instance": 2101, "location": "Rådhuset plan 3", "application_software_version": "KX 4.2"}


def test_probe_reads_the_device_objects_identity_without_writing(tmp_path: Path) -> None:
    async def scenario():
        async with running(tmp_path, "bacnet", ADDRESS, 47808, CONFIG, **AHU) as lab:
            return await run_probe(PROBE, TARGET), lab.log()

    result, log = asyncio.run(scenario())
    assert result.status is AttemptStatus.COMPLETED, result.reason
    facts = result.facts
    assert (facts.answered_who_is, facts.device_instance, facts.vendor_identifier) == (True, 2101, 999)
    assert [facts.value(n) for n in ("vendorName", "modelName", "firmwareRevision", "location")] == [
        "Klimatix",
        "KX-AHU 40",
        "4.2.1",
        "Rådhuset plan 3",
    ]
    events = [r["event"] for r in log if r["event"] != "listening"]
    assert events == ["who_is"] + ["read"] * len(facts.properties)  # one Who-Is, reads only
    assert all(r["source"].startswith("127.0.0.1:") for r in log if r["event"] == "read")


def test_two_controllers_in_one_process_keep_their_own_identities(tmp_path: Path) -> None:
    async def scenario():
        async with (
            running(tmp_path, "bacnet", ADDRESS, 47808, {"device_instance": 11}, **AHU),
            running(tmp_path, "bacnet", OTHER, 47808, {"device_instance": 12, "vendor_name": "Ventura"}, **AHU),
        ):
            return await run_probe(PROBE, TARGET), await run_probe(PROBE, ServiceTarget(OTHER, 47808, "udp"))

    first, second = asyncio.run(scenario())
    assert (first.facts.device_instance, first.facts.value("vendorName")) == (11, "Klimatix")
    assert (second.facts.device_instance, second.facts.value("vendorName")) == (12, "Ventura")


def test_controller_behind_a_client_filter_is_silent_so_the_port_counts_as_closed(tmp_path: Path) -> None:
    async def scenario():
        async with running(tmp_path, "bacnet", ADDRESS, 47808, {"allowed_clients": ["127.77.15.250"]}, **AHU) as lab:
            return await run_probe(PROBE, TARGET), lab.log()

    result, log = asyncio.run(scenario())
    assert result.status is AttemptStatus.ERROR
    assert {r["event"] for r in log} == {"listening", "dropped"}


def test_silent_port_is_an_error() -> None:
    result = asyncio.run(run_probe(PROBE, ServiceTarget(SILENT, 47808, transport="udp")))
    assert result.status is AttemptStatus.ERROR


@pytest.mark.parametrize(
    ("datagram", "apdu"),
    [
        (frame(b"\x10\x08", expecting_reply=False), b"\x10\x08"),
        # routed answer: source network 5, 1-octet MAC 0x07
        (bytes([0x81, 0x0A, 0x00, 0x0C, 0x01, 0x08, 0x00, 0x05, 0x01, 0x07, 0x10, 0x00]), b"\x10\x00"),
        # forwarded by a BBMD: original sender's address and port come first
        (bytes([0x81, 0x04, 0x00, 0x0E]) + bytes(6) + b"\x01\x00\x10\x00", b"\x10\x00"),
    ],
)
def test_unframe_finds_the_apdu_past_bvlc_and_npdu(datagram: bytes, apdu: bytes) -> None:
    assert unframe(datagram) == apdu


@pytest.mark.parametrize(
    "datagram", [b"", b"\x81\x0a\x00\x05\x01", b"\x82\x0a\x00\x06\x01\x00", b"\x81\x0a\x00\x06\x01\x80\x00"]
)
def test_unframe_refuses_what_is_not_an_application_answer(datagram: bytes) -> None:
    with pytest.raises(Exception, match="BACnet"):
        unframe(datagram)


def test_bad_configuration_any_bacpypes3_client_reads_the_object_name(tmp_path: Path) -> None:
    async def scenario():
        async with running(tmp_path, "bacnet", ADDRESS, 47808, {"object_name": "AHU-RH-03"}, **AHU):
            # Another UDP port than 47808: bacpypes3 takes any 127.x peer on its own port for itself.
            port = NetworkPortObject(
                IPv4Address(f"{CLIENT}/32:0"),
                objectIdentifier=("network-port", 1),
                objectName="NetworkPort-1",
                networkNumber=0,
                networkNumberQuality="unknown",
            )
            client = Application.from_object_list(
                [DeviceObject(objectIdentifier=("device", 4000), objectName="client", vendorIdentifier=999), port]
            )
            try:
                i_ams = await client.who_is(address=Address(ADDRESS), timeout=2)
                name = await client.read_property(Address(ADDRESS), i_ams[0].iAmDeviceIdentifier, "objectName")
            finally:
                client.close()
            return name

    assert str(asyncio.run(scenario())) == "AHU-RH-03"
