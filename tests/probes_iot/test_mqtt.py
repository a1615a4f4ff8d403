"""Given a lab MQTT broker, the mqtt and mqtt_subscribe probes see what a real MQTT client sees."""

import asyncio
import time
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest

from muniscan.facts.attempt import AttemptStatus
from muniscan.facts.codec import to_json
from muniscan.privacy.detection.identifiers import is_personnummer
from muniscan.scanner.probes import mqtt as mqtt_probe
from muniscan.scanner.probes import mqtt_subscribe
from muniscan.scanner.probes.base import ServiceTarget
from tests.lab_device import running

from .conftest import lab_address, lab_policy, run_probe

ADDRESS = lab_address(1)
PUBLISH = [
    {"topic": "care/alarm/{personnummer}", "payload": '{{"resident": "{personnummer}", "lat": {lat}, "lon": {lon}}}',
     "retain": True, "interval": 0.2},
    {"topic": "parking/gw1/bay/7", "payload": "plate={plate}&sensor={mac}", "interval": 0.2},
    {"topic": "people/counter/entrance", "payload": '{{"count": {count}, "phone": "{mac}"}}', "interval": 0.2},
]  # fmt: skip
CASES = [
    # config, port, tls, anonymous accepted, messages expected
    ({"anonymous": True, "publish": PUBLISH}, 1883, False, True, True),
    ({"accounts": {"gateway": "Gw-2024-secret"}, "publish": PUBLISH}, 1883, False, False, False),
    ({"anonymous": True, "tls": True, "publish": PUBLISH}, 8883, True, True, True),
    ({"accounts": {"gateway": "Gw-2024-secret"}, "tls": True}, 8883, True, False, False),
]


def policy(seconds: float = 1.0):
    return lab_policy(ADDRESS, mqtt_subscribe_seconds=seconds)


@pytest.mark.parametrize(("config", "port", "tls", "anonymous", "messages"), CASES)
def test_probes_report_anonymous_access_and_readable_topics(tmp_path, config, port, tls, anonymous, messages) -> None:
    target = ServiceTarget(ADDRESS, port, tls=tls, name="mqtts" if tls else "mqtt")

    async def scenario():
        async with running(tmp_path, "mqtt", ADDRESS, port, config):
            await asyncio.sleep(0.3)  # let the publishers retain their first messages
            return await run_probe(mqtt_probe.PROBE, target), await run_probe(mqtt_subscribe.PROBE, target, policy())

    connect, subscribe = asyncio.run(scenario())
    assert connect.status is subscribe.status is AttemptStatus.COMPLETED, (connect.reason, subscribe.reason)
    assert connect.facts.anonymous_accepted is anonymous and connect.facts.tls is tls
    assert (subscribe.facts.messages > 0) is messages
    if messages:
        assert subscribe.facts.retained >= 1 and subscribe.facts.topics >= 3


def test_topics_are_masked_and_payloads_never_reach_the_stored_facts(tmp_path: Path) -> None:
    target = ServiceTarget(ADDRESS, 1883, name="mqtt")

    async def scenario():
        async with running(tmp_path, "mqtt", ADDRESS, 1883, {"anonymous": True, "publish": PUBLISH}):
            await asyncio.sleep(0.3)
            return await run_probe(mqtt_subscribe.PROBE, target, policy())

    facts = asyncio.run(scenario()).facts
    stored = str(to_json(facts))
    assert "care/alarm/19******-**" in stored or "care/alarm/20******-**" in stored
    assert not any(is_personnummer(word) for word in stored.replace("/", " ").replace("'", " ").split())
    assert "plate=" not in stored and "resident" not in stored
    # ...but the privacy audit gets the payloads from memory, in this process only.
    assert any(b"resident" in m.payload for m in facts.captured)


def test_subscription_is_off_when_the_policy_says_zero_seconds(tmp_path: Path) -> None:
    async def scenario():
        async with running(tmp_path, "mqtt", ADDRESS, 1883, {"anonymous": True}) as lab:
            result = await run_probe(mqtt_subscribe.PROBE, ServiceTarget(ADDRESS, 1883), policy(0))
            return result, lab.log()

    result, log = asyncio.run(scenario())
    assert result.facts.enabled is False
    assert [r for r in log if r["event"] == "login"] == []


def paho_read(port: int, seconds: float, user: str | None = None, password: str | None = None):
    received: list[mqtt.MQTTMessage] = []
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    if user:
        client.username_pw_set(user, password)
    client.on_connect = lambda c, userdata, flags, reason, props: c.subscribe("#")
    client.on_message = lambda c, userdata, message: received.append(message)
    client.connect(ADDRESS, port)
    client.loop_start()
    time.sleep(seconds)
    client.loop_stop()
    client.disconnect()
    return received


def test_bad_configuration_anonymous_broker_gives_personal_data_to_paho(tmp_path: Path) -> None:
    async def scenario():
        async with running(tmp_path, "mqtt", ADDRESS, 1883, {"anonymous": True, "publish": PUBLISH}):
            return await asyncio.to_thread(paho_read, 1883, 1.0)

    messages = asyncio.run(scenario())
    payloads = b" ".join(m.payload for m in messages)
    assert b"resident" in payloads and b"plate=" in payloads
    assert any(m.retain for m in messages)


def test_hardened_broker_gives_nothing_to_paho_without_the_password(tmp_path: Path) -> None:
    config = {"accounts": {"gateway": "Gw-2024-secret"}, "publish": PUBLISH}

    async def scenario():
        async with running(tmp_path, "mqtt", ADDRESS, 1883, config):
            anonymous = await asyncio.to_thread(paho_read, 1883, 0.8)
            with_login = await asyncio.to_thread(paho_read, 1883, 0.8, "gateway", "Gw-2024-secret")
            return anonymous, with_login

    anonymous, with_login = asyncio.run(scenario())
    assert anonymous == [] and with_login
