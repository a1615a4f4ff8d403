"""MQTT without TLS carries telemetry, and any login, in clear across the network."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, passed
from muniscan.checks.views import ServiceView, judged_on
from muniscan.facts.mqtt import MqttFacts
from muniscan.policies.schema import Policy, Severity

METADATA = CheckMeta(
    id="mqtt_plaintext_transport",
    title="MQTT broker speaks plain MQTT without TLS",
    severity=Severity.MEDIUM,
    level=Level.SERVICE,
    requires=("mqtt",),
    rationale=(
        "Sensor telemetry from people counters, parking sensors and care alarms often carries personal data; "
        "over plain MQTT it, and the user name and password of every client that logs in, cross the network in clear."
    ),
    remediation="Serve MQTT over TLS (port 8883) only and close the plain listener on 1883.",
    enisa=("GP-TM-34", "GP-TM-38", "GP-TM-39", "GP-TM-40"),
    etsi=("5.5-1", "5.8-1", "5.8-2"),
    owasp=("I7",),
)


@judged_on("mqtt")
def evaluate(service: ServiceView, facts: MqttFacts, policy: Policy) -> CheckResult:
    if facts.tls:
        return passed(port=service.port, tls=True)
    # A broker that refuses anonymous clients still receives their passwords in clear.
    logins = "sent in clear" if not facts.anonymous_accepted else "not required"
    return failed(port=service.port, tls=False, credentials=logins)
