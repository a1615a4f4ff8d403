"""Firmware below the vendor's minimum supported release, or a model past its end of support.

Versions compare by their numeric parts ("2.3.1build5" is 2.3.1.5), which fits vendors' dotted releases.
"""

import fnmatch
import re
from datetime import UTC, datetime
from typing import Any

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, not_applicable, passed, unknown
from muniscan.checks.views import AssetView
from muniscan.policies.schema import FirmwareRule, Policy, Severity

METADATA = CheckMeta(
    id="firmware_end_of_support",
    title="Firmware out of vendor support or below the minimum release",
    severity=Severity.HIGH,
    level=Level.ASSET,
    requires=(),
    rationale=(
        "A device whose firmware is older than the supported release, or whose model the vendor no longer "
        "patches, keeps every known vulnerability for good."
    ),
    remediation="Update to the vendor's supported release; plan replacement of models past end of support.",
    enisa=("GP-OP-02", "GP-OP-03", "GP-TM-18"),
    etsi=("5.3-8", "5.3-13"),
    owasp=("I4", "I5"),
)


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


def _matches(rule: FirmwareRule, asset: AssetView) -> bool:
    if not asset.vendor or rule.vendor.lower() not in asset.vendor.lower():
        return False
    return fnmatch.fnmatch((asset.model or "").lower(), rule.model.lower())


IDENTITY_UNRATED = 0.7  # identified without a rated fingerprint (e.g. an import that named the product)


def evaluate(asset: AssetView, policy: Policy) -> CheckResult:
    rule = next((r for r in policy.firmware if _matches(r, asset)), None)
    if rule is None:
        return not_applicable()
    today = datetime.now(UTC).date()
    where: dict[str, Any] = {"vendor": asset.vendor, "model": asset.model, "firmware": asset.firmware}
    # The verdict is only as sure as the identification of vendor, model and firmware it rests on.
    sure = asset.identity_confidence if asset.identity_confidence is not None else IDENTITY_UNRATED
    if rule.end_of_support and rule.end_of_support < today:
        reason = "model past end of support"
        return failed(confidence=sure, **where, end_of_support=rule.end_of_support.isoformat(), reason=reason)
    if rule.minimum is None:
        return passed(**where)
    if not asset.firmware or not version_key(asset.firmware):
        return unknown("firmware version not identified")
    if version_key(asset.firmware) < version_key(rule.minimum):
        reason = "firmware below the minimum supported release"
        return failed(confidence=sure, **where, minimum=rule.minimum, reason=reason)
    return passed(**where, minimum=rule.minimum)
