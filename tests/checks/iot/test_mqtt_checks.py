"""Given MQTT facts, the transport and anonymous-read checks judge them as a person would."""

import pytest

from muniscan.checks.catalogue import mqtt_plaintext_transport, mqtt_topics_readable_anonymously
from muniscan.checks.model import Verdict
from muniscan.facts.mqtt import MqttFacts
from muniscan.facts.mqtt_subscribe import MqttSubscribeFacts

from .conftest import POLICY, bare_service, service

ANONYMOUS_PLAIN = MqttFacts(True, 0, "accepted", False)
PASSWORD_PLAIN = MqttFacts(False, 5, "not authorised", False)
PASSWORD_TLS = MqttFacts(False, 5, "not authorised", True)


def subscription(anonymous: bool = True, subscribed: bool = True, messages: int = 0, enabled: bool = True):
    topics = ("care/alarm/19******-**84", "parking/p1/a4:5e:60:**:**:**") if messages else ()
    return MqttSubscribeFacts(
        enabled, anonymous, subscribed, 3.0, messages, min(messages, 1), len(topics), topics, False
    )


TRANSPORT_CASES = [
    (ANONYMOUS_PLAIN, Verdict.FAIL),
    (PASSWORD_PLAIN, Verdict.FAIL),
    (PASSWORD_TLS, Verdict.PASS),
]

READ_CASES = [
    (subscription(messages=12), Verdict.FAIL),
    (subscription(messages=0), Verdict.PASS),
    (subscription(anonymous=False), Verdict.PASS),
    (subscription(subscribed=False), Verdict.PASS),
    (subscription(enabled=False), Verdict.UNKNOWN),
]


@pytest.mark.parametrize(("facts", "verdict"), TRANSPORT_CASES)
def test_plaintext_transport_follows_tls(facts: MqttFacts, verdict: Verdict) -> None:
    assert mqtt_plaintext_transport.evaluate(service("mqtt", facts, port=1883), POLICY).verdict is verdict


def test_plaintext_evidence_says_passwords_would_cross_in_clear() -> None:
    result = mqtt_plaintext_transport.evaluate(service("mqtt", PASSWORD_PLAIN, port=1883), POLICY)
    assert result.evidence == {"port": 1883, "tls": False, "credentials": "sent in clear"}


@pytest.mark.parametrize(("facts", "verdict"), READ_CASES)
def test_anonymous_read_follows_what_the_subscription_received(facts, verdict: Verdict) -> None:
    result = mqtt_topics_readable_anonymously.evaluate(service("mqtt_subscribe", facts, port=1883), POLICY)
    assert result.verdict is verdict


def test_anonymous_read_evidence_is_counts_and_masked_topics_never_payloads() -> None:
    result = mqtt_topics_readable_anonymously.evaluate(
        service("mqtt_subscribe", subscription(messages=12), port=1883), POLICY
    )
    assert result.evidence["messages"] == 12
    assert result.evidence["sample_topics"] == ["care/alarm/19******-**84", "parking/p1/a4:5e:60:**:**:**"]
    assert "payload" not in str(result.evidence)


@pytest.mark.parametrize(
    ("check", "probe"), [(mqtt_plaintext_transport, "mqtt"), (mqtt_topics_readable_anonymously, "mqtt_subscribe")]
)
def test_errored_probe_is_unknown_and_other_services_not_applicable(check, probe: str) -> None:
    assert check.evaluate(service(probe, error="connectivity: ConnectionResetError"), POLICY).verdict is Verdict.UNKNOWN
    assert check.evaluate(bare_service(), POLICY).verdict is Verdict.NOT_APPLICABLE
