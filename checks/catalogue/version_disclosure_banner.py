"""A service announces its software and version to anyone who connects (HTTP headers, FTP and SSH greetings)."""

import re

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, not_applicable, passed
from muniscan.checks.views import ServiceView
from muniscan.policies.schema import Policy, Severity

METADATA = CheckMeta(
    id="version_disclosure_banner",
    title="Service discloses its software version",
    severity=Severity.LOW,
    level=Level.SERVICE,
    requires=("banner",),
    rationale=(
        "A version in a banner lets an attacker match the device to known vulnerabilities without "
        "touching it further; it speeds up attacks on unpatched devices across the whole estate."
    ),
    remediation="Configure the service to announce no version (e.g. a generic Server header and greeting).",
    enisa=("GP-TM-53",),
    etsi=("5.6-2",),
    owasp=("I3", "I9"),
)

# A product token followed by a dotted version: lighttpd/1.4.35, OpenSSH_7.4p1, vsFTPd 2.3.4.
VERSION = re.compile(r"\b([A-Za-z][\w.-]*?)[/_ -]v?(\d+\.\d+(?:\.\d+)*[a-z0-9]*)\b")


def _announcements(service: ServiceView) -> dict[str, str]:
    found: dict[str, str] = {}
    http = service.facts("http")
    if http is not None:
        found |= {k: v for k, v in {"server": http.server, "x-powered-by": http.powered_by}.items() if v}
    if service.name == "ftp" and service.banner:
        found["ftp greeting"] = service.banner.splitlines()[0]
    if service.name == "ssh" and service.banner:
        found["ssh software"] = service.banner.splitlines()[0].split("-", 2)[-1]  # after "SSH-2.0-"
    return found


BANNER_CONFIDENCE = 0.8


def evaluate(service: ServiceView, policy: Policy) -> CheckResult:
    announced = _announcements(service)
    if not announced:
        return not_applicable()
    disclosed = {where: text[:120] for where, text in announced.items() if VERSION.search(text)}
    if disclosed:
        # A version-looking token in a banner is a strong hint, not proof that it names the running software.
        return failed(confidence=BANNER_CONFIDENCE, port=service.port, disclosed=disclosed)
    return passed(announced=list(announced))
