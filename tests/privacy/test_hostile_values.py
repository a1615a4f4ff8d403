"""Given values built to stall regular expressions, when read for personal data (from a real MQTT broker during a
scan, from a CSV export, from a capture), then reading ends within seconds and says what it did not read in full.

Without the field cut and the regex timeout, Presidio's e-mail pattern took 271 s on the 40 KB value and the
custom `^(a|aa)+$` over 170 s on 44 characters; the wall-clock bounds below are generous on purpose."""

import json
import time
import uuid
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from scapy.layers.inet import IP, TCP
from scapy.layers.l2 import Ether
from scapy.packet import Raw
from scapy.utils import wrpcap
from sqlmodel import select
from typer.testing import CliRunner

from muniscan.cli.main import app
from muniscan.pipeline import run_scan
from muniscan.policies import load_policy
from muniscan.privacy.datasets.audit import audit_dataset
from muniscan.privacy.detection.detector import MAX_FIELD_CHARS, PersonalDataDetector
from muniscan.privacy.flows.pcap import read_pcap
from muniscan.store import Store
from muniscan.store.models import DataFlow, ScanRun
from tests.flows.traffic import mqtt_publish

EVIL_40K = "a." * 20_000 + "@"  # the review's payload: the '@' lies past the cut
EVIL_INSIDE_CUT = "a." * (MAX_FIELD_CHARS // 2 - 10) + "@" + "a." * 19_000  # the '@' within the part that is read
BOUND = 2.0


@pytest.mark.parametrize("value", [EVIL_40K, EVIL_INSIDE_CUT], ids=["40k", "at-inside-cut"])
def test_the_email_pattern_on_a_hostile_value_is_bounded_and_noted(value: str) -> None:
    detector = PersonalDataDetector(key=b"k" * 32)
    started = time.monotonic()
    found = detector.scan_message(json.dumps({"contact": value, "email": "anna.svensson@example.se"}))
    assert time.monotonic() - started < BOUND
    assert ("email", "EMAIL_ADDRESS") in {(d.field, d.category) for d in found}  # the honest field is still read
    assert detector.limits.fields_cut == 1
    if value is EVIL_INSIDE_CUT:
        assert detector.limits.regex_timeouts >= 1 and "EmailRecognizer" in detector.limits.describe()


def test_a_custom_recognizer_with_catastrophic_backtracking_is_stopped(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(
        "recognizers:\n  - name: Backtracker\n    entity: BACKTRACK\n"
        "    patterns:\n      - {name: doubled, regex: '^(a|aa)+$', score: 0.9}\n"
    )
    detector = PersonalDataDetector(custom_recognizer_dir=tmp_path, key=b"k" * 32)
    started = time.monotonic()
    found = detector.scan_message("a" * 44 + "b")
    assert time.monotonic() - started < BOUND
    assert found == [] and detector.limits.regex_timeouts >= 1 and "Backtracker" in detector.limits.describe()
    assert [d.category for d in detector.scan_message("aaaa")] == ["BACKTRACK"]  # still matches when it can


def test_a_csv_column_of_hostile_values_is_audited_in_seconds_with_a_note(tmp_path: Path) -> None:
    export = tmp_path / "contacts.csv"
    rows = [f"{i},{EVIL_INSIDE_CUT}{i},{20 + i % 50}" for i in range(5)]
    export.write_text("id,contact,age\n" + "\n".join(rows) + "\n")
    started = time.monotonic()
    report = audit_dataset(export, detector=PersonalDataDetector(key=b"k" * 32))
    assert time.monotonic() - started < BOUND * 3  # five distinct values, each under one regex timeout per pattern
    assert any("did not read every value in full" in note for note in report.notes)


def test_a_capture_carrying_the_hostile_value_is_read_in_seconds(tmp_path: Path) -> None:
    publish = mqtt_publish("site/contact", EVIL_40K.encode())
    packets = [
        Ether() / IP(src="10.20.0.11", dst="10.20.0.2") / TCP(sport=40000, dport=1883, flags="S", seq=999),
        Ether() / IP(src="10.20.0.2", dst="10.20.0.11") / TCP(sport=1883, dport=40000, flags="SA", seq=4999, ack=1000),
        Ether()
        / IP(src="10.20.0.11", dst="10.20.0.2")
        / TCP(sport=40000, dport=1883, flags="PA", seq=1000, ack=5000)
        / Raw(publish),
    ]
    capture = tmp_path / "hostile.pcap"
    wrpcap(str(capture), packets)
    started = time.monotonic()
    analysis = read_pcap(capture, PersonalDataDetector(key=b"k" * 32))
    assert time.monotonic() - started < BOUND
    assert [f.protocol for f in analysis.flows] == ["mqtt"]


def test_a_device_publishing_the_hostile_value_does_not_stall_the_scan(tmp_path: Path) -> None:
    """The real broker on 127.0.0.1:1883 holds the value as a retained message; the scan subscribes and reads it."""
    topic = f"muniscan-test/{uuid.uuid4().hex}/contact"
    device = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    device.connect("127.0.0.1", 1883)
    device.loop_start()
    try:
        device.publish(topic, EVIL_INSIDE_CUT, retain=True).wait_for_publish(5)
        policy_path = tmp_path / "broker.yaml"
        policy_path.write_text(
            "name: hostile-broker\nscope:\n  include: [127.0.0.1]\n  never_touch_ports: ['2024']\n"
            "discovery:\n  tcp_ports: [1883]\n  udp_ports: []\nprobes:\n  mqtt_subscribe_seconds: 1\n"
            "rate:\n  connect_timeout: 1.0\n  read_timeout: 2.0\n"
        )
        store = Store(f"sqlite:///{tmp_path / 'scan.sqlite'}")
        started = time.monotonic()
        outcome = run_scan(store, load_policy(policy_path), ["127.0.0.1"], time_limit=30)
        elapsed = time.monotonic() - started
    finally:
        device.publish(topic, b"", retain=True).wait_for_publish(5)  # the broker forgets the value again
        device.loop_stop()
        device.disconnect()
    assert outcome.scan.status == "completed"
    assert elapsed < 1.0 + 2 * BOUND + 2.0, f"{elapsed:.1f} s"  # 1 s listening, the probes, the bounded reading
    with store.session() as session:
        assert session.exec(select(ScanRun)).one().status == "completed"
        flows = session.exec(select(DataFlow).where(DataFlow.port == 1883)).all()
    assert sum(flow.messages for flow in flows) >= 1  # the hostile message was read, not missed


def test_repeated_or_whitespace_equal_csv_headers_are_an_error_naming_them(tmp_path: Path) -> None:
    export = tmp_path / "people.csv"
    export.write_text("id,personnummer,age, personnummer\n1,198712202384,34,\n")
    result = CliRunner().invoke(app, ["--db", f"sqlite:///{tmp_path / 'a.sqlite'}", "dataset", "audit", str(export)])
    assert result.exit_code == 2
    assert "people.csv:1: repeated column name(s): 'personnummer' and ' personnummer'" in result.output


def test_a_cell_over_the_size_limit_is_an_error_with_its_line(tmp_path: Path) -> None:
    export = tmp_path / "huge.csv"
    export.write_text("id,note\n1,short\n2," + "x" * (1 << 20) + "y\n")
    result = CliRunner().invoke(app, ["--db", f"sqlite:///{tmp_path / 'a.sqlite'}", "dataset", "audit", str(export)])
    assert result.exit_code == 2 and "huge.csv:3:" in result.output and "field larger than field limit" in result.output
