"""A device answering SSDP advertises itself and its maker, model and serial to anyone who asks."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed
from muniscan.checks.views import ServiceView, judged_on
from muniscan.facts.upnp import UpnpFacts
from muniscan.policies.schema import Policy, Severity

METADATA = CheckMeta(
    id="upnp_ssdp_exposed",
    title="UPnP/SSDP discovery service exposed",
    severity=Severity.MEDIUM,
    level=Level.SERVICE,
    requires=("upnp",),
    rationale=(
        "UPnP is meant for home networks. On a municipal network it answers anyone with the maker, model and "
        "serial number, is a common reflection-attack source, and an IGD service lets any host open ports."
    ),
    remediation="Disable UPnP/SSDP on the device (and any UPnP port mapping); it is not needed on managed networks.",
    enisa=("GP-TM-08", "GP-TM-44", "GP-TM-50"),
    etsi=("5.6-1", "5.6-2"),
    owasp=("I2", "I9"),
)


@judged_on("upnp")
def evaluate(service: ServiceView, facts: UpnpFacts, policy: Policy) -> CheckResult:
    disclosed = [name for name in ("manufacturer", "model_name", "serial") if getattr(facts, name)]
    return failed(
        port=service.port,
        server=facts.server,
        discloses=disclosed,
        device=" ".join(p for p in (facts.manufacturer, facts.model_name) if p),
        port_mapping=facts.port_mapping,
    )
