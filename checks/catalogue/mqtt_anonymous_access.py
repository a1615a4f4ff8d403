"""An MQTT broker that accepts clients without credentials lets anyone read and publish."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, passed
from muniscan.checks.views import ServiceView, judged_on
from muniscan.facts.mqtt import MqttFacts
from muniscan.policies.schema import Policy, Severity

METADATA = CheckMeta(
    id="mqtt_anonymous_access",
    title="MQTT broker accepts anonymous clients",
    severity=Severity.HIGH,
    level=Level.SERVICE,
    requires=("mqtt",),
    rationale=(
        "Without authentication any client on the network can subscribe to all telemetry, which "
        "often carries personal data, and can publish commands to devices."
    ),
    remediation="Require a user name and password or client certificates, and set topic ACLs.",
    enisa=("GP-TM-22", "GP-TM-29", "GP-TM-44"),
    etsi=("5.1-1", "5.5-4"),
    owasp=("I1", "I2"),
)


@judged_on("mqtt")
def evaluate(service: ServiceView, facts: MqttFacts, policy: Policy) -> CheckResult:
    if facts.anonymous_accepted:
        return failed(port=service.port, connack=facts.return_code, tls=facts.tls)
    return passed(connack=facts.return_code, reason=facts.return_text)
