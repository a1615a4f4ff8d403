"""Personal data sent to a recipient the policy does not allow, or to a country outside the EU/EEA."""

import fnmatch
import ipaddress

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, passed
from muniscan.checks.tailoring import in_network
from muniscan.checks.views import AssetView, judged_on
from muniscan.facts.flows import DATAFLOW, DataFlowFacts, FlowFact, flow_evidence
from muniscan.policies.schema import Intrusiveness, Policy, Severity

METADATA = CheckMeta(
    id="recipient_not_allowed",
    title="Personal data sent to a recipient the policy does not allow",
    severity=Severity.HIGH,
    level=Level.ASSET,
    requires=(DATAFLOW,),
    rationale=(
        "Personal data left the device for a recipient that is not on the policy's list of processors, or for "
        "a network the policy places outside the EU/EEA. Each recipient needs a data processing agreement "
        "(GDPR Art. 28) and a transfer outside the EEA a legal basis under Chapter V (Art. 44-46)."
    ),
    remediation=(
        "Stop the flow or make the recipient a listed processor under a data processing agreement; for a "
        "recipient outside the EU/EEA document the transfer mechanism, then add it to privacy.allowed_recipients."
    ),
    enisa=("GP-TM-13", "GP-OP-12"),
    owasp=("I6",),
    intrusiveness=Intrusiveness.PASSIVE,
)


def _allowed_by_list(flow: FlowFact, allowed: list[str]) -> bool:
    for entry in allowed:
        if in_network(flow.destination, entry) or entry == flow.destination:
            return True
        name = (flow.server_name or "").lower()
        if name and fnmatch.fnmatchcase(name, entry.lower()):
            return True
    return False


# The city's own address space when the policy names no recipients (RFC 1918, loopback, link-local, ULA).
INTERNAL = tuple(
    ipaddress.ip_network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16", "::1/128",
              "fc00::/7", "fe80::/10")
)  # fmt: skip


def _is_internal(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip.version == n.version and ip in n for n in INTERNAL)


def refusal(flow: FlowFact, policy: Policy) -> str | None:
    """Why this recipient may not have the data, or None when it may."""
    rules = policy.privacy
    countries = rules.recipient_countries.items()
    country = next((c for c, nets in countries if any(in_network(flow.destination, n) for n in nets)), None)
    if country and country not in rules.allowed_countries:
        return f"recipient in {country}, outside the allowed countries (EU/EEA unless the policy says otherwise)"
    if rules.allowed_recipients:
        return None if _allowed_by_list(flow, rules.allowed_recipients) else "not on privacy.allowed_recipients"
    return None if _is_internal(flow.destination) else "a public address the policy does not list as a recipient"


@judged_on(DATAFLOW)
def evaluate(asset: AssetView, flows: DataFlowFacts, policy: Policy) -> CheckResult:
    carrying = [f for f in flows.flows if f.personal_data]
    refused = [(f, reason) for f in carrying if (reason := refusal(f, policy))]
    if not refused:
        return passed(recipients=sorted({f.destination for f in carrying}))
    return failed(
        recipients=[{**flow_evidence(f), "reason": reason} for f, reason in refused],
    )
