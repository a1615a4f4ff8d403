"""A login (password or user name) seen in clear in the device's traffic: anyone on the path can reuse it."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, passed
from muniscan.checks.views import AssetView, judged_on
from muniscan.facts.flows import DATAFLOW, DataFlowFacts, flow_evidence
from muniscan.policies.schema import Intrusiveness, Policy, Severity

METADATA = CheckMeta(
    id="credentials_cleartext_transit",
    title="Credentials sent over the network in clear",
    severity=Severity.HIGH,
    level=Level.ASSET,
    requires=(DATAFLOW,),
    rationale=(
        "The capture holds a login sent without encryption (telnet, FTP, HTTP Basic, MQTT CONNECT). Whoever "
        "reads the traffic can log in as the device or its operator. Only the kind of login is recorded here."
    ),
    remediation=(
        "Move the login onto an encrypted channel (SSH, SFTP, HTTPS, MQTT over TLS), change the exposed "
        "passwords, and prefer per-device certificates or keys over shared passwords."
    ),
    enisa=("GP-TM-40",),
    etsi=("5.5-7",),
    owasp=("I7",),
    intrusiveness=Intrusiveness.PASSIVE,
)


@judged_on(DATAFLOW)
def evaluate(asset: AssetView, flows: DataFlowFacts, policy: Policy) -> CheckResult:
    exposed = [f for f in flows.flows if f.credentials and not f.encrypted]
    if not exposed:
        return passed(flows=len(flows.flows))
    kinds = sorted({kind for f in exposed for kind in f.credentials})
    return failed(observed_via=flows.observed_via, kinds=kinds, flows=[flow_evidence(f) for f in exposed])
