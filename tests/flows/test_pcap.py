"""Given a capture file, when read, then each flow with its protocol, encryption, personal data and logins."""

import json
import random
from pathlib import Path

import pytest
from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.l2 import Ether
from scapy.packet import Raw
from scapy.utils import wrpcap, wrpcapng

from muniscan.facts.codec import to_json
from muniscan.privacy.detection.detector import PersonalDataDetector
from muniscan.privacy.flows.pcap import PcapError, read_pcap

from .traffic import PLANTED, city_traffic, write_city_pcap

# source, endpoint, protocol, encrypted, categories, credentials, server name
EXPECTED = [
    ("10.20.0.11", "10.20.0.2:1883/tcp", "mqtt", False, {"SE_LICENCE_PLATE": 1, "SE_PERSONNUMMER": 1},
     ("mqtt CONNECT password",), None),
    ("10.20.0.12", "10.20.0.3:80/tcp", "http", False, {"EMAIL_ADDRESS": 1}, ("http Basic authorization",), None),
    ("10.20.0.13", "10.20.0.4:5683/udp", "coap", False, {"MAC_ADDRESS": 1}, (), None),
    ("10.20.0.13", "10.20.0.5:514/udp", "syslog", False, {"MAC_ADDRESS": 1}, (), None),
    ("10.20.0.14", "10.20.0.6:21/tcp", "ftp", False, {}, ("ftp USER/PASS",), None),
    ("10.20.0.14", "10.20.0.6:23/tcp", "telnet", False, {}, ("telnet login",), None),
    ("10.20.0.15", "10.20.0.1:53/udp", "dns", False, {}, (), None),
    ("10.20.0.15", "198.51.100.7:443/tcp", "tls", True, {}, (), "upload.camvendor.example"),
]  # fmt: skip


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory, detector: PersonalDataDetector):
    return read_pcap(write_city_pcap(tmp_path_factory.mktemp("pcap") / "city.pcap"), detector)


@pytest.mark.parametrize(("source", "endpoint", "protocol", "encrypted", "categories", "logins", "name"), EXPECTED)
def test_each_flow_is_rebuilt(city, source, endpoint, protocol, encrypted, categories, logins, name) -> None:
    flow = next(f for f in city.flows if f.source == source and f.endpoint == endpoint)
    assert (flow.protocol, flow.encrypted, flow.categories, flow.credentials, flow.server_name) == (
        protocol, encrypted, categories, logins, name)  # fmt: skip


def test_only_these_flows_and_no_planted_value_in_the_facts(city) -> None:
    assert len(city.flows) == len(EXPECTED) and not city.truncated and city.skipped == 0
    stored = json.dumps([to_json(f) for f in city.flows])
    for value in PLANTED:
        assert value not in stored
    assert "19******-**84" in stored  # masked samples are what remains


def test_pcapng_reads_the_same(tmp_path: Path, detector, city) -> None:
    path = tmp_path / "city.pcapng"
    wrpcapng(str(path), city_traffic())
    assert [f.endpoint for f in read_pcap(path, detector).flows] == [f.endpoint for f in city.flows]


def test_a_truncated_capture_keeps_what_came_before(tmp_path: Path, detector) -> None:
    whole = write_city_pcap(tmp_path / "whole.pcap").read_bytes()
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(whole[: len(whole) - 30])
    analysis = read_pcap(cut, detector)
    assert analysis.truncated or analysis.packets < len(city_traffic())
    assert any(f.protocol == "mqtt" for f in analysis.flows)


@pytest.mark.parametrize("content", [b"", b"not a capture at all", bytes(range(256)) * 4])
def test_a_file_that_is_no_capture_is_refused_by_name(tmp_path: Path, detector, content: bytes) -> None:
    path = tmp_path / "garbage.pcap"
    path.write_bytes(content)
    with pytest.raises(PcapError, match=r"garbage\.pcap"):
        read_pcap(path, detector)


def test_malformed_payloads_never_crash(tmp_path: Path, detector) -> None:
    rng = random.Random(7)
    packets = []
    for port in (1883, 80, 23, 21, 5683, 514, 443, 9999):
        for _ in range(20):
            junk = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
            layer = (
                UDP(sport=40000, dport=port)
                if port in (5683, 514)
                else TCP(sport=40000, dport=port, flags="PA", seq=rng.randrange(1 << 31))
            )
            packets.append(Ether() / IP(src="10.9.0.1", dst="10.9.0.2") / layer / Raw(junk))
    packets.append(Ether() / Raw(b"\x45\x00\x00"))  # IP header cut short
    path = tmp_path / "fuzz.pcap"
    wrpcap(str(path), packets)
    analysis = read_pcap(path, detector)
    assert analysis.packets == len(packets) and analysis.flows
