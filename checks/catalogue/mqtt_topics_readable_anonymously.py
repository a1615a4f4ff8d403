"""Anyone can read the broker's messages: a subscription to '#' without credentials received traffic."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, passed, unknown
from muniscan.checks.views import ServiceView, judged_on
from muniscan.facts.mqtt_subscribe import MqttSubscribeFacts
from muniscan.policies.schema import Policy, Severity

TOPICS_IN_EVIDENCE = 5

METADATA = CheckMeta(
    id="mqtt_topics_readable_anonymously",
    title="MQTT topics readable without credentials",
    severity=Severity.HIGH,
    level=Level.SERVICE,
    requires=("mqtt_subscribe",),
    rationale=(
        "A client with no credentials subscribed to every topic and received messages. Whoever is on the "
        "network can follow people counts, parked cars and care alarms as they happen."
    ),
    remediation=(
        "Require authentication on the broker and give each client an ACL limited to its own topics; "
        "never allow anonymous subscriptions to '#'."
    ),
    enisa=("GP-TM-27", "GP-TM-29", "GP-TM-44"),
    etsi=("5.5-4", "5.8-2"),
    owasp=("I2", "I6"),
)


@judged_on("mqtt_subscribe")
def evaluate(service: ServiceView, facts: MqttSubscribeFacts, policy: Policy) -> CheckResult:
    if not facts.enabled:
        return unknown("the policy turned the subscription off (probes.mqtt_subscribe_seconds is 0)")
    if not facts.anonymous_accepted:
        return passed(reason="anonymous clients are refused")
    if facts.messages:
        return failed(
            port=service.port,
            topics=facts.topics,
            messages=facts.messages,
            retained=facts.retained,
            seconds=facts.listened_seconds,
            sample_topics=list(facts.topic_names[:TOPICS_IN_EVIDENCE]),
        )
    if not facts.subscribed:
        return passed(reason="the subscription to '#' was refused")
    return passed(reason=f"no messages in {facts.listened_seconds} s", seconds=facts.listened_seconds)
