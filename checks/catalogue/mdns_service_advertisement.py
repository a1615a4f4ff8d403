"""A device that answers mDNS queries from off its link tells anyone its services, host name and model."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, passed
from muniscan.checks.views import ServiceView, judged_on
from muniscan.facts.mdns import MdnsFacts
from muniscan.policies.schema import Policy, Severity

# TXT keys that name the product or its software version: what an attacker needs to pick an exploit.
REVEALING_KEYS = frozenset(
    {"model", "md", "ty", "product", "vendor", "manufacturer", "fw", "firmware", "version", "vers"}
)

METADATA = CheckMeta(
    id="mdns_service_advertisement",
    title="mDNS/DNS-SD advertises the device's services",
    severity=Severity.INFO,
    level=Level.SERVICE,
    requires=("mdns",),
    rationale=(
        "mDNS is meant for one home or office link. A device that answers DNS-SD queries sent to its address "
        "lists its services, host name and, in TXT records, often model and firmware, to any host that can "
        "reach UDP 5353: an inventory for an attacker, and an interface most municipal devices do not need."
    ),
    remediation=(
        "Turn mDNS/DNS-SD off on devices that are managed centrally, or limit it to the local link (TTL 255, "
        "answer only link-local sources) and keep model and firmware out of TXT records."
    ),
    enisa=("GP-TM-50",),
    etsi=("5.6-1",),
    owasp=("I2",),
)


@judged_on("mdns")
def evaluate(service: ServiceView, facts: MdnsFacts, policy: Policy) -> CheckResult:
    if not facts.service_types and not facts.services:
        return passed(reason="the device answered but listed no services")
    revealing = sorted({e for s in facts.services for e in s.txt if e.partition("=")[0].lower() in REVEALING_KEYS})
    return failed(
        port=service.port,
        service_types=list(facts.service_types),
        host_names=list(facts.host_names),
        txt_revealing=revealing[:10],
    )
