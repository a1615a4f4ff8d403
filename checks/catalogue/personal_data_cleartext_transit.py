"""Personal data seen crossing the network without encryption, in traffic the device sent or received."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, passed
from muniscan.checks.views import AssetView, judged_on
from muniscan.facts.flows import DATAFLOW, DataFlowFacts, flow_evidence
from muniscan.policies.schema import Intrusiveness, Policy, Severity

METADATA = CheckMeta(
    id="personal_data_cleartext_transit",
    title="Personal data sent over the network without encryption",
    severity=Severity.HIGH,
    level=Level.ASSET,
    requires=(DATAFLOW,),
    rationale=(
        "Personal identity numbers, MAC addresses, licence plates or e-mail addresses were read in clear from "
        "the device's traffic. Anyone on the path can collect them; GDPR Art. 32 asks for encryption in transit "
        "and Art. 5(1)(c) for no more data than the purpose needs."
    ),
    remediation=(
        "Encrypt the flow (MQTT over TLS, HTTPS, CoAP over DTLS) and stop sending identifiers the service does not "
        "need: count or aggregate on the device, or replace identifiers with rotated keyed pseudonyms."
    ),
    enisa=("GP-TM-12", "GP-TM-38"),
    etsi=("5.8-1",),
    owasp=("I6", "I7"),
    intrusiveness=Intrusiveness.PASSIVE,
)


@judged_on(DATAFLOW)
def evaluate(asset: AssetView, flows: DataFlowFacts, policy: Policy) -> CheckResult:
    exposed = [f for f in flows.flows if f.personal_data and not f.encrypted]
    if not exposed:
        inspected = sum(f.messages for f in flows.flows)
        return passed(flows=len(flows.flows), messages_read=inspected)
    totals: dict[str, int] = {}
    for flow in exposed:
        for category, count in flow.categories.items():
            totals[category] = totals.get(category, 0) + count
    return failed(
        observed_via=flows.observed_via,
        categories=dict(sorted(totals.items())),
        flows=[flow_evidence(f) for f in exposed],
    )
