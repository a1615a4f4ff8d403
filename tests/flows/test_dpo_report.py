"""Given a people counter and a care alarm publishing in clear, captured three times and read from the broker,
when the DPO report is written, then topics, distinct values, roles, DPIA triggers and Swedish wording."""

import json
from importlib import resources
from pathlib import Path

import jsonschema
from scapy.utils import wrpcap
from typer.testing import CliRunner

from muniscan.cli.main import app
from muniscan.policies import load_profile
from muniscan.privacy.flows.audit_scan import store_flow_audit
from muniscan.privacy.flows.folding import FlowAuditor, FlowKey
from muniscan.privacy.flows.records import shared_detector
from muniscan.store import Store

from .traffic import PERSONNUMMER, mqtt_publish, tcp_session

runner = CliRunner()
BROKER = "10.20.0.2"
COUNTER, ALARM = "10.20.0.21", "10.20.0.22"
VISITOR_MAC = "3c:22:fb:10:20:30"


def _city_mqtt(path: Path) -> Path:
    counter = json.dumps({"mac": VISITOR_MAC, "lat": 57.70887, "lon": 11.97456, "rssi": -70}).encode()
    alarm = json.dumps({"personnummer": PERSONNUMMER, "event": "fall", "unit": 7}).encode()
    packets = tcp_session(COUNTER, BROKER, 41001, 1883, [(True, mqtt_publish("city/counter/torget", counter))])
    packets += tcp_session(ALARM, BROKER, 41002, 1883, [(True, mqtt_publish("care/alarm/unit-7", alarm))])
    wrpcap(str(path), packets)
    return path


def _report(database_url: str, fmt: str, lang: str) -> str:
    result = runner.invoke(app, ["--db", database_url, "report", "privacy", "--format", fmt, "--lang", lang])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_dpo_report_shows_topics_distinct_values_roles_and_dpia_triggers(tmp_path: Path, database_url: str) -> None:
    pcap = _city_mqtt(tmp_path / "city-mqtt.pcap")
    for _ in range(3):  # the same retained messages, seen by three captures
        assert runner.invoke(app, ["--db", database_url, "flows", "pcap", str(pcap)]).exit_code == 0
    # a subscription to the broker: it sees the messages, not who published them
    auditor = FlowAuditor(shared_detector())  # the installation's key, as `flows capture` uses
    key = FlowKey("", BROKER, "tcp", 1883)
    auditor.flow(key, "mqtt", False)
    auditor.message(key, json.dumps({"personnummer": PERSONNUMMER}).encode(), "care/alarm/unit-7")
    store = Store(database_url)
    store_flow_audit(store, load_profile(), auditor.facts("capture"), f"mqtt://{BROKER}:1883",
                     broker=(BROKER, 1883, False))  # fmt: skip
    store.dispose()

    report = json.loads(_report(database_url, "json", "en"))
    schema = json.loads((resources.files("muniscan.reports") / "schemas" / "privacy-report.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(report)
    alarm = next(f for f in report["flows"] if f["device"] == ALARM)
    assert alarm["topics"] == [{"topic": "care/alarm/unit-7", "messages": 3, "categories": ["SE_PERSONNUMMER"]}]
    assert alarm["categories"]["SE_PERSONNUMMER"] == 3 and alarm["distinct_identifiers"]["SE_PERSONNUMMER"] == 1
    pnr = next(c for c in report["categories"] if c["category"] == "SE_PERSONNUMMER" and c["device_class"] ==
               alarm["device_class"])  # fmt: skip
    assert (pnr["distinct"], pnr["count"]) == (1, 4)  # one personnummer, seen by four captures
    subscribed = next(f for f in report["flows"] if f["observed_via"] == "capture")
    assert subscribed["device"] == "" and subscribed["roles"] == {"device": None, "broker": BROKER, "server": None,
                                                                  "subscriber": "muniscan"}  # fmt: skip
    broker = next(r for r in report["recipients"] if r["destination"] == BROKER)
    assert broker["role"] == "broker" and BROKER not in broker["devices"]
    assert sorted(broker["devices"]) == [COUNTER, ALARM]
    triggers = {t["trigger"]: t for t in report["dpia"]}
    alarm_topic = {"device": ALARM, "destination": BROKER, "port": 1883, "topic": "care/alarm/unit-7"}
    assert triggers["national_id_cleartext"]["flows"] == [{**alarm_topic, "device": ""}, alarm_topic]
    assert triggers["national_id_cleartext"]["devices"] == [ALARM]  # the broker is no device
    assert triggers["location_cleartext"]["flows"] == [
        {"device": COUNTER, "destination": BROKER, "port": 1883, "topic": "city/counter/torget"}
    ]
    assert triggers["mac_cleartext"]["devices"] == [COUNTER]
    assert alarm_topic in triggers["special_category_cleartext"]["flows"]

    swedish = _report(database_url, "md", "sv")
    assert "Rättslig hänvisning" in swedish and "Rättslig grund" not in swedish
    assert "care/alarm/unit-7 (personnummer)" in swedish and "MAC-adress" in swedish
    assert "Personnummer skickas okrypterat" in swedish and "Positionsspår skickas okrypterat" in swedish
    assert "broker (meddelandeförmedlare)" in swedish
    assert f"okänd avsändare (en prenumeration ser ingen avsändaradress) → {BROKER}:1883 care/alarm/unit-7" in swedish
    html = _report(database_url, "html", "sv")
    assert "Rättslig hänvisning" in html and "care/alarm/unit-7" in html
    assert PERSONNUMMER not in swedish + html  # masked, always


def test_only_the_latest_audit_of_a_file_is_listed_with_earlier_ones_folded(tmp_path: Path, database_url: str) -> None:
    export = tmp_path / "survey.csv"
    export.write_text("age,zip\n21,12345\n24,12345\n33,12345\n37,12345\n", encoding="utf-8")
    for k in ("1", "2", "3"):
        result = runner.invoke(app, ["--db", database_url, "dataset", "audit", str(export), "--qi", "age", "--k", k])
        assert result.exit_code == 0, result.output
    report = json.loads(_report(database_url, "json", "en"))
    assert len(report["datasets"]) == 1 and report["summary"]["dataset_audits"] == 3
    latest = report["datasets"][0]
    assert len(latest["history"]) == 2 and latest["history"][0]["audited_at"] >= latest["history"][1]["audited_at"]
    assert latest["sample_unique_share"] == 1.0 and latest["unit"] == "records"
    swedish = _report(database_url, "md", "sv")
    assert "Tidigare granskningar av filen (2)" in swedish and "**utpekning**" in swedish
    assert "på age är 4 av 4 rader (100.0%) ensamma om sina värden" in swedish


def test_every_audit_reason_has_a_swedish_wording_with_the_same_fields() -> None:
    import string

    import yaml

    from muniscan.privacy.datasets.verdicts import REASONS

    swedish = yaml.safe_load((resources.files("muniscan.reports") / "i18n" / "reasons.sv.yaml").read_text())
    assert set(swedish) == set(REASONS)
    for code, english in REASONS.items():
        fields = {f for _, f, _, _ in string.Formatter().parse(english) if f}
        assert fields == {f for _, f, _, _ in string.Formatter().parse(swedish[code]) if f}, code
