"""ENISA baseline coverage: which measures the scan tests, which fail, which need documents instead."""

from collections import Counter
from typing import Any

from muniscan.checks.framework_mapping import cited
from muniscan.checks.registry import load_checks
from muniscan.policies.frameworks import load_frameworks

# Coverage states, worst first.
STATES = ("failing", "passing", "not_scanned")


def enisa_coverage(active_findings: list[dict[str, Any]]) -> dict[str, Any]:
    """Each ENISA measure as failing (an active finding cites it), passing (checked, clean) or not scanned."""
    framework = load_frameworks()["enisa"]
    checks = load_checks()
    tested = cited(framework, checks)
    failing: dict[str, set[str]] = {}
    for finding in active_findings:
        for measure in finding["enisa"]:
            failing.setdefault(measure, set()).add(finding["check_id"])
    measures = []
    for requirement in framework.requirements:
        state = "failing" if requirement.id in failing else "passing" if requirement.id in tested else "not_scanned"
        measures.append(
            {
                "id": requirement.id,
                "title": requirement.title,
                "section": requirement.section,
                "evidence": requirement.evidence.value,
                "checks": tested.get(requirement.id, []),
                "state": state,
            }
        )
    technical = [m for m in measures if m["id"].startswith("GP-TM-")]
    return {
        "framework": f"{framework.name} ({framework.version})",
        "measures": measures,
        "technical_counts": {s: Counter(m["state"] for m in technical).get(s, 0) for s in STATES},
        "counts": {s: Counter(m["state"] for m in measures).get(s, 0) for s in STATES},
    }
