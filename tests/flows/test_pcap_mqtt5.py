"""Given MQTT 5 traffic or TCP sequence numbers that wrap past 2^32, when read from a capture, then nothing is lost."""

import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from scapy.utils import rdpcap, wrpcap

from muniscan.privacy.flows import cleartext
from muniscan.privacy.flows.pcap import PcapFlowReader, read_pcap
from muniscan.scanner.probes.mqtt import remaining_length

from .traffic import tcp_session

PNR = "19660613-3301"
PLATE = "RMK 47C"
MAC = "74:e4:b9:b2:f4:20"
EMAIL = "hodan.warsame@example.se"
PHONE = "0737186034"


def _string(text: str | bytes) -> bytes:
    data = text.encode() if isinstance(text, str) else text
    return len(data).to_bytes(2, "big") + data


def _varint(value: int) -> bytes:
    return remaining_length(value)


def connect_v5(client_id: str = "counter-7") -> bytes:
    properties = b"\x11" + (3600).to_bytes(4, "big") + b"\x21" + (10).to_bytes(2, "big")  # session expiry, receive max
    body = _string("MQTT") + b"\x05\x02" + (30).to_bytes(2, "big") + _varint(len(properties)) + properties
    body += b"\x00" + _string(client_id)  # no will properties
    return b"\x10" + remaining_length(len(body)) + body


def publish_v5(topic: str, payload: bytes, properties: bytes = b"", qos: int = 0, packet_id: int = 1) -> bytes:
    body = _string(topic) + (packet_id.to_bytes(2, "big") if qos else b"")
    body += _varint(len(properties)) + properties + payload
    return bytes([0x30 | (qos << 1)]) + remaining_length(len(body)) + body


EXPIRY_AND_TYPE = b"\x02" + (60).to_bytes(4, "big") + b"\x03" + _string("application/json") + b"\x01\x01"
USER_PROPERTIES = b"\x26" + _string("site") + _string("Lindholmen") + b"\x26" + _string("fw") + _string("4.2.0.17")
REQUEST_RESPONSE = b"\x08" + _string("reply/7") + b"\x09" + _string(bytes(range(16))) + b"\x0b" + _varint(300)
ALIAS_7 = b"\x23" + (7).to_bytes(2, "big")

# (topic, properties, qos, payload, category the payload carries)
CASES = [
    ("care/alarm/1", b"", 0, f'{{"pnr": "{PNR}"}}', "SE_PERSONNUMMER"),
    ("anpr/cam4/reads", EXPIRY_AND_TYPE, 0, f'{{"plate": "{PLATE}"}}', "SE_LICENCE_PLATE"),
    ("counter/7/seen", USER_PROPERTIES, 1, f'{{"mac": "{MAC}"}}', "MAC_ADDRESS"),
    ("service/ticket", REQUEST_RESPONSE, 1, f'{{"email": "{EMAIL}"}}', "EMAIL_ADDRESS"),
    ("care/contact", ALIAS_7 + EXPIRY_AND_TYPE, 2, f'{{"mobil": "{PHONE}"}}', "PHONE_NUMBER"),
]


def test_mqtt5_publish_properties_are_skipped_and_payload_kept_exactly() -> None:
    stream = connect_v5() + b"".join(
        publish_v5(topic, payload.encode(), properties, qos, index + 1)
        for index, (topic, properties, qos, payload, _category) in enumerate(CASES)
    )
    level = cleartext.mqtt_protocol_level(stream)
    reading = cleartext.mqtt_stream(stream, level)
    assert level == 5
    assert [(m.topic, m.payload.decode()) for m in reading.messages] == [(c[0], c[3]) for c in CASES]


def test_a_topic_alias_names_later_messages_of_the_connection() -> None:
    stream = connect_v5() + publish_v5("care/contact", f'{{"mobil": "{PHONE}"}}'.encode(), ALIAS_7)
    stream += publish_v5("", f'{{"pnr": "{PNR}"}}'.encode(), ALIAS_7)
    messages = cleartext.mqtt_stream(stream, 5).messages
    assert [m.topic for m in messages] == ["care/contact", "care/contact"]
    assert messages[1].payload == f'{{"pnr": "{PNR}"}}'.encode()


def test_mqtt311_streams_are_read_as_before() -> None:
    body = _string("city/parking") + f'{{"plate": "{PLATE}"}}'.encode()
    stream = b"\x10\x0c" + _string("MQTT") + b"\x04\x02\x00\x1e\x00\x00" + b"\x30" + remaining_length(len(body)) + body
    assert cleartext.mqtt_protocol_level(stream) == 4
    assert cleartext.mqtt_stream(stream).messages[0].payload == f'{{"plate": "{PLATE}"}}'.encode()


def test_every_mqtt5_flow_in_a_capture_keeps_its_categories(tmp_path: Path, detector) -> None:
    packets = []
    for index, (topic, properties, qos, payload, _category) in enumerate(CASES):
        exchanges = [
            (True, connect_v5(f"dev-{index}")),
            (False, b"\x20\x03\x00\x00\x00"),
            (True, publish_v5(topic, payload.encode(), properties, qos, 1)),
        ]
        packets += tcp_session(f"10.30.0.{10 + index}", "10.30.0.2", 40000 + index, 1883, exchanges)
    path = tmp_path / "mqtt5.pcap"
    wrpcap(str(path), packets)
    flows = {f.source: f for f in read_pcap(path, detector).flows}
    for index, case in enumerate(CASES):
        flow = flows[f"10.30.0.{10 + index}"]
        assert flow.protocol == "mqtt" and case[4] in flow.categories, (case, flow.categories)


@pytest.mark.parametrize("shuffle", [False, True])
def test_tcp_stream_is_rebuilt_across_the_sequence_number_wrap(tmp_path: Path, detector, shuffle: bool) -> None:
    before = _publish_311("a/b", f'{{"pnr": "{PNR}", "x": "{"y" * 12}"}}')
    after = _publish_311("c/d", f'{{"plate": "{PLATE}"}}')
    connect = b"\x10\x0c" + _string("MQTT") + b"\x04\x02\x00\x1e\x00\x00"
    exchanges = [(True, connect), (False, b"\x20\x02\x00\x00"), (True, before[:20]), (True, before[20:]), (True, after)]
    # The client's numbers pass 2^32 inside the first PUBLISH: CONNECT ends 6 bytes before the wrap.
    packets = tcp_session("10.30.1.5", "10.30.1.2", 41000, 1883, exchanges, client_isn=2**32 - 1 - len(connect) - 6)
    seqs = [int(p["TCP"].seq) for p in packets if p["IP"].src == "10.30.1.5"]
    assert max(seqs) > 2**32 - 100 and min(seqs) < 100  # the capture really wraps
    if shuffle:
        data = packets[3:]
        random.Random(4).shuffle(data)
        packets = packets[:3] + data
    path = tmp_path / "wrap.pcap"
    wrpcap(str(path), packets)
    flow = next(f for f in read_pcap(path, detector).flows if f.source == "10.30.1.5")
    assert flow.categories == {"SE_PERSONNUMMER": 1, "SE_LICENCE_PLATE": 1}


def _publish_311(topic: str, payload: str) -> bytes:
    body = _string(topic) + payload.encode()
    return b"\x30" + remaining_length(len(body)) + body


def test_an_organisation_number_is_not_personal_data_of_a_flow(tmp_path: Path, detector) -> None:
    exchanges = [(True, connect_v5()), (True, publish_v5("ev/invoice", b'{"orgnr": "556703-7485", "kWh": 12.5}'))]
    path = tmp_path / "orgnr.pcap"
    wrpcap(str(path), tcp_session("10.30.2.5", "10.30.2.2", 42000, 1883, exchanges))
    flow = next(f for f in read_pcap(path, detector).flows if f.source == "10.30.2.5")
    assert flow.messages == 1 and flow.categories == {}


BROKER = ("127.0.0.1", 1883)
CLIENT_ADDRESS = "127.103.0.21"


@pytest.mark.slow
@pytest.mark.root
def test_a_real_mosquitto_mqtt5_capture_is_read(tmp_path: Path, detector) -> None:
    """paho-mqtt speaks MQTT 5 with properties to the local Mosquitto; tcpdump records it on loopback."""
    mqtt = pytest.importorskip("paho.mqtt.client")
    properties_module = pytest.importorskip("paho.mqtt.properties")
    packettypes = pytest.importorskip("paho.mqtt.packettypes")
    if shutil.which("tcpdump") is None or os.geteuid() != 0:
        pytest.skip("needs tcpdump and root (scripts/install-system-packages.sh installs tcpdump)")
    path = tmp_path / "mosquitto-v5.pcap"
    capture = subprocess.Popen(
        ["tcpdump", "-i", "lo", "-n", "-U", "-w", str(path), f"tcp port 1883 and host {CLIENT_ADDRESS}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(1.0)
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="h-care-7", protocol=mqtt.MQTTv5)
        try:
            client.connect(*BROKER, keepalive=30, bind_address=CLIENT_ADDRESS)
        except OSError as exc:
            pytest.skip(f"no MQTT broker on {BROKER[0]}:{BROKER[1]} ({exc})")
        client.loop_start()
        properties = properties_module.Properties(packettypes.PacketTypes.PUBLISH)
        properties.MessageExpiryInterval = 120
        properties.ContentType = "application/json"
        properties.UserProperty = [("site", "Lindholmen"), ("fw", "4.2.0.17")]
        for topic, payload in (
            ("muniscan-test/care/1", f'{{"pnr": "{PNR}"}}'),
            ("muniscan-test/anpr/4", f'{{"plate": "{PLATE}"}}'),
        ):
            client.publish(topic, payload, qos=1, properties=properties).wait_for_publish(5)
        client.disconnect()
        client.loop_stop()
        time.sleep(1.0)
    finally:
        capture.send_signal(signal.SIGINT)
        capture.wait(10)
    flows = [f for f in read_pcap(path, detector).flows if f.source == CLIENT_ADDRESS]
    assert flows and flows[0].protocol == "mqtt"
    assert {"SE_PERSONNUMMER", "SE_LICENCE_PLATE"} <= set(flows[0].categories)
    reader = PcapFlowReader(detector)
    for packet in rdpcap(str(path)):
        reader.add(packet)
    client_stream = next(c.client.stream() for k, c in reader.connections.items() if k.source == CLIENT_ADDRESS)
    messages = cleartext.mqtt_stream(client_stream, cleartext.mqtt_protocol_level(client_stream)).messages
    assert [(m.topic, m.payload) for m in messages] == [
        ("muniscan-test/care/1", f'{{"pnr": "{PNR}"}}'.encode()),
        ("muniscan-test/anpr/4", f'{{"plate": "{PLATE}"}}'.encode()),
    ]  # properties are not payload


def test_the_policy_decides_whether_lorawan_network_metadata_is_read(tmp_path: Path, database_url: str) -> None:
    from typer.testing import CliRunner

    from muniscan.cli.main import app

    uplink = (
        '{"end_device_ids": {"device_id": "pc-3", "dev_eui": "70B3D57ED005A1B2"}, "uplink_message": '
        '{"decoded_payload": {"in": 4}, "rx_metadata": [{"gateway_ids": {"gateway_id": "gw-villa-17"}, '
        '"location": {"latitude": 57.706712, "longitude": 11.936773}}]}}'
    )
    exchanges = [(True, connect_v5()), (True, publish_v5("v3/counters@gbg/devices/pc-3/up", uplink.encode()))]
    pcap = tmp_path / "uplink.pcap"
    wrpcap(str(pcap), tcp_session("10.30.3.5", "10.30.3.2", 43000, 1883, exchanges))
    policy = tmp_path / "metadata.yaml"
    policy.write_text("name: metadata\nprivacy:\n  scan_network_metadata: true\n", encoding="utf-8")
    runner = CliRunner()
    device_only = runner.invoke(app, ["--db", database_url, "flows", "pcap", str(pcap), "--json"])
    everything = runner.invoke(
        app, ["--db", database_url, "flows", "pcap", str(pcap), "--policy", str(policy), "--json"]
    )
    assert device_only.exit_code == 0 and everything.exit_code == 0, device_only.output + everything.output
    assert "GPS_COORDINATE" not in device_only.stdout and "GPS_COORDINATE" in everything.stdout
