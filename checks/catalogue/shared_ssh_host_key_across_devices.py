"""One SSH host key on several devices: whoever extracts it can impersonate every unit."""

from muniscan.checks.fleet_keys import shared_keys
from muniscan.checks.model import CheckMeta, CheckResult, Level
from muniscan.checks.views import AssetView, ServiceView
from muniscan.policies.schema import Policy, Severity

METADATA = CheckMeta(
    id="shared_ssh_host_key_across_devices",
    title="Same SSH host key presented by several devices",
    severity=Severity.HIGH,
    level=Level.FLEET,
    requires=("ssh",),
    rationale=(
        "Host keys baked into a firmware image are shared by every unit, so an attacker with one image can "
        "intercept administrator sessions to all of them without a warning."
    ),
    remediation="Regenerate host keys on first boot of each device; ask the vendor to ship images without keys.",
    enisa=("GP-TM-35", "GP-TM-49"),
    etsi=("5.4-4",),
    owasp=("I7",),
)


def _host_key(service: ServiceView) -> str | None:
    facts = service.facts("ssh")
    return getattr(facts, "host_key_sha256", None) if facts else None


def evaluate(assets: list[AssetView], policy: Policy) -> dict[str, CheckResult]:
    return shared_keys(assets, _host_key, "ssh")
