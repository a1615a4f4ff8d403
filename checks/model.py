"""What a check declares about itself, and what it returns."""

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from muniscan.policies.schema import Intrusiveness, Severity


class Verdict(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    UNKNOWN = "unknown"  # the probe attempt failed: no evidence either way


class Level(StrEnum):
    SERVICE = "service"
    ASSET = "asset"
    FLEET = "fleet"


ENISA_ID = re.compile(r"^GP-(TM|PS|OP)-\d{2}$")
ETSI_ID = re.compile(r"^\d-\d+$|^5\.\d{1,2}-\d{1,2}[A-Z]?$")
OWASP_ID = re.compile(r"^I(10|[1-9])$")


@dataclass(frozen=True)
class CheckMeta:
    """A check's identity and references; reports, the registry and the matrix read only this."""

    id: str
    title: str
    severity: Severity
    level: Level
    requires: tuple[str, ...]
    rationale: str
    remediation: str
    enisa: tuple[str, ...]
    etsi: tuple[str, ...] = ()
    owasp: tuple[str, ...] = ()
    intrusiveness: Intrusiveness = Intrusiveness.SAFE

    def problems(self) -> list[str]:
        found = []
        if not 8 <= len(self.title) <= 100:
            found.append("title must be 8 to 100 characters")
        if not self.enisa:
            found.append("at least one ENISA measure is required")
        found += [f"ENISA ID {i!r} is malformed" for i in self.enisa if not ENISA_ID.match(i)]
        found += [f"ETSI provision {i!r} is malformed" for i in self.etsi if not ETSI_ID.match(i)]
        found += [f"OWASP IoT ID {i!r} is malformed" for i in self.owasp if not OWASP_ID.match(i)]
        if not self.rationale or not self.remediation:
            found.append("rationale and remediation are required")
        return found


@dataclass(frozen=True)
class CheckResult:
    verdict: Verdict
    evidence: dict[str, Any] = field(default_factory=dict)
    confidence: float = 1.0
    key: str = ""  # distinguishes several findings of one check on one target


def passed(**evidence: Any) -> CheckResult:
    return CheckResult(Verdict.PASS, evidence)


def failed(confidence: float = 1.0, key: str = "", **evidence: Any) -> CheckResult:
    return CheckResult(Verdict.FAIL, evidence, confidence, key)


def not_applicable() -> CheckResult:
    return CheckResult(Verdict.NOT_APPLICABLE)


def unknown(reason: str) -> CheckResult:
    return CheckResult(Verdict.UNKNOWN, {"reason": reason})
