"""Open ports beyond those the device's class declares necessary (GP-TM-50)."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, not_applicable, passed
from muniscan.checks.views import AssetView
from muniscan.policies.schema import Policy, Severity

METADATA = CheckMeta(
    id="unexpected_open_ports",
    title="Open ports beyond the device class's declared list",
    severity=Severity.MEDIUM,
    level=Level.ASSET,
    requires=(),
    rationale=(
        "Every listening service is attack surface; one the device class does not need is usually a "
        "forgotten default, a debug service or a sign of tampering."
    ),
    remediation="Disable the service on the device, or declare it in the policy if the class really needs it.",
    enisa=("GP-TM-08", "GP-TM-45", "GP-TM-50"),
    etsi=("5.6-1", "5.6-5"),
    owasp=("I2", "I9"),
)


def _allowed(entry: str | int, transport: str, port: int) -> bool:
    kind, _, ports = str(entry).partition("/")
    low, _, high = ports.partition("-")
    return kind == transport and int(low) <= port <= int(high or low)


def evaluate(asset: AssetView, policy: Policy) -> CheckResult:
    declared = policy.device_classes.get(asset.device_class or "")
    if declared is None or declared.allowed_ports is None:
        return not_applicable()
    allowed = declared.allowed_ports
    unexpected = [
        f"{s.transport}/{s.port}"
        for s in asset.services
        if not any(_allowed(entry, s.transport, s.port) for entry in allowed)
    ]
    if unexpected:
        return failed(device_class=asset.device_class, unexpected=unexpected, allowed=allowed)
    return passed(device_class=asset.device_class, open=[f"{s.transport}/{s.port}" for s in asset.services])
