"""A device answers from a network zone that the segmentation policy says must not reach it (GP-TM-47).

The scan's `--site` names its vantage point; `segmentation.vantage_points` places it in a zone.
"""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, not_applicable, passed, unknown
from muniscan.checks.tailoring import in_networks
from muniscan.checks.views import AssetView
from muniscan.policies.schema import Policy, Severity

METADATA = CheckMeta(
    id="segmentation_zone_reachable",
    title="Device reachable from a zone that policy keeps apart",
    severity=Severity.HIGH,
    level=Level.ASSET,
    requires=(),
    rationale=(
        "IoT devices reachable from office, guest or Internet-facing networks let one compromised laptop or "
        "visitor reach building automation and sensors; segmentation contains a breach."
    ),
    remediation="Block the path in the firewall between the zones, or move the device to its intended VLAN.",
    enisa=("GP-TM-47",),
    owasp=("I2",),
)


def evaluate(asset: AssetView, policy: Policy) -> CheckResult:
    segmentation = policy.segmentation
    if not segmentation.zones or not asset.services:
        return not_applicable()
    site = asset.site or "default"
    vantage = segmentation.vantage_points.get(site) or (site if site in segmentation.zones else None)
    if vantage is None:
        return unknown(f"vantage point {site!r} is not placed in a zone (segmentation.vantage_points)")
    zone = next((name for name, nets in segmentation.zones.items() if in_networks(asset.address, nets)), None)
    if zone is None:
        return not_applicable()
    if zone == vantage or zone in segmentation.reachable.get(vantage, []):
        return passed(zone=zone, vantage=site)
    ports = [f"{s.transport}/{s.port}" for s in asset.services]
    return failed(zone=zone, vantage=site, vantage_zone=vantage, reachable_ports=ports)
