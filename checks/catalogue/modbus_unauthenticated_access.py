"""Modbus/TCP has no authentication: a device that answers any client can be read, and written, by anyone."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, passed
from muniscan.checks.views import ServiceView, judged_on
from muniscan.facts.modbus import ModbusFacts
from muniscan.policies.schema import Policy, Severity

METADATA = CheckMeta(
    id="modbus_unauthenticated_access",
    title="Modbus/TCP answers unauthenticated clients",
    severity=Severity.HIGH,
    level=Level.SERVICE,
    requires=("modbus",),
    rationale=(
        "Modbus/TCP carries no authentication: whoever reaches port 502 can read process values and, with a "
        "write function, change set points and outputs of pumps, valves and heating circuits."
    ),
    remediation=(
        "Keep Modbus/TCP on an isolated OT segment behind a firewall that admits only the SCADA server, or "
        "use Modbus/TCP Security (TLS with client certificates, port 802)."
    ),
    enisa=("GP-TM-29", "GP-TM-44"),
    etsi=("5.5-4", "5.6-2"),
    owasp=("I2",),
)


@judged_on("modbus")
def evaluate(service: ServiceView, facts: ModbusFacts, policy: Policy) -> CheckResult:
    if not facts.answered:
        return passed(reason="the device closed the connection without answering")
    identity = " ".join(p for p in (facts.vendor_name, facts.product_code, facts.revision) if p)
    if facts.exception_code is not None:
        return failed(port=service.port, answered=f"exception {facts.exception_code}", identity="not disclosed")
    return failed(port=service.port, answered="device identification", identity=identity or "empty")
