"""An FTP server lets anyone log in as "anonymous": its files (logs, configs, firmware) are open to all."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, passed
from muniscan.checks.views import ServiceView, judged_on
from muniscan.facts.ftp import FtpFacts
from muniscan.policies.schema import Policy, Severity

METADATA = CheckMeta(
    id="ftp_anonymous_login",
    title="FTP server accepts anonymous logins",
    severity=Severity.HIGH,
    level=Level.SERVICE,
    requires=("ftp",),
    rationale=(
        "On devices, FTP holds log exports, configuration backups and firmware; anonymous access lets "
        "anyone on the network read them (often with personal data or secrets) and sometimes write."
    ),
    remediation="Disable anonymous FTP; better, replace FTP with SFTP or HTTPS with per-user credentials.",
    enisa=("GP-TM-22", "GP-TM-29", "GP-TM-44"),
    etsi=("5.1-1", "5.5-4"),
    owasp=("I1", "I2"),
)


@judged_on("ftp")
def evaluate(service: ServiceView, facts: FtpFacts, policy: Policy) -> CheckResult:
    if facts.anonymous_accepted:
        return failed(port=service.port, reply=facts.anonymous_reply)
    return passed(reply=facts.anonymous_reply)
