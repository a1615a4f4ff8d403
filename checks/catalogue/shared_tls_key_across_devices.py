"""One TLS private key on several devices: extracting it from one unit breaks them all."""

from muniscan.checks.fleet_keys import shared_keys
from muniscan.checks.model import CheckMeta, CheckResult, Level
from muniscan.checks.views import AssetView, ServiceView
from muniscan.policies.schema import Policy, Severity

METADATA = CheckMeta(
    id="shared_tls_key_across_devices",
    title="Same TLS key presented by several devices",
    severity=Severity.HIGH,
    level=Level.FLEET,
    requires=("tls",),
    rationale=(
        "A key provisioned across a product family can be extracted from any one unit (or its firmware) "
        "and then used to impersonate or decrypt every other unit."
    ),
    remediation="Have each device generate or receive its own key pair and certificate at provisioning.",
    enisa=("GP-TM-35", "GP-TM-49"),
    etsi=("5.4-4",),
    owasp=("I7",),
)


def _public_key(service: ServiceView) -> str | None:
    facts = service.facts("tls")
    certificate = facts.certificate if facts else None
    if certificate is None:
        return None
    spki = getattr(certificate, "spki_sha256", "")
    return f"spki:{spki}" if spki else f"cert:{certificate.sha256}"  # an identical certificate means one key


def evaluate(assets: list[AssetView], policy: Policy) -> dict[str, CheckResult]:
    return shared_keys(assets, _public_key, "tls")
