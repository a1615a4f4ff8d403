"""Judge each requirement from the device's check verdicts and the vendor's declaration; no I/O."""

from typing import Any

from muniscan.procurement.absence import Coverage, absent_service
from muniscan.procurement.model import (
    TESTS,
    Declaration,
    DeclarationRule,
    ProcurementRequirement,
    RequirementsFile,
    Verdict,
)

MISSING = object()
# Each line of evidence starts with the outcome of its sub-test, so the failing part of a requirement shows.
PASS_MARK, FAIL_MARK, OWED_MARK, UNKNOWN_MARK = "[pass]", "[FAIL]", "[owed]", "[not assessed]"


def declared(declaration: Declaration, path: str) -> Any:
    value: Any = declaration.model_dump(mode="json")
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return MISSING
        value = value[part]
    return value


def _rule(declaration: Declaration, rule: DeclarationRule, mandatory: bool) -> tuple[Verdict, str, str]:
    """(verdict, evidence, condition): a field a mandatory requirement needs and the vendor left out fails;
    for a recommended one it is owed, and the condition says so."""
    value = declared(declaration, rule.field)
    if value is MISSING or value is None or value == "" or value == []:
        if rule.present is False:
            return Verdict.PASS, f"{PASS_MARK} {rule.field}: not declared, as required", ""
        if mandatory:
            return Verdict.FAIL, f"{FAIL_MARK} {rule.field}: not declared (mandatory)", ""
        return Verdict.CONDITIONAL, f"{OWED_MARK} {rule.field}: not declared", f"the vendor declares {rule.field}"
    shown = f"{rule.field} = {value!r}"
    if rule.present is not None:
        ok = rule.present
    elif rule.equals is not None:
        ok = value == rule.equals
    elif rule.at_least is not None:
        ok = isinstance(value, int | float) and value >= rule.at_least
    elif rule.at_most is not None:
        ok = isinstance(value, int | float) and value <= rule.at_most
    elif rule.one_of is not None:
        ok = value in rule.one_of
    else:
        ok = isinstance(value, list) and set(value) <= set(rule.subset_of or [])
    expected = next(f"{n} {getattr(rule, n)!r}" for n in TESTS
                    if getattr(rule, n) is not None)  # fmt: skip
    mark = PASS_MARK if ok else FAIL_MARK
    return (Verdict.PASS if ok else Verdict.FAIL), f"{mark} declared {shown}; required {expected}", ""


Verdicts = dict[str, list[dict[str, Any]]]


def _check(check_id: str, results: list[dict[str, Any]], coverage: Coverage | None) -> tuple[Verdict, list[str], str]:
    """One sub-test: every failure with its port and evidence, else a pass, else why it says nothing (the third
    value, empty unless the sub-test was not assessed)."""
    failing = [r for r in results if r["verdict"] == "fail"]
    if failing:
        lines = []
        for r in failing:
            where = f" on port {r['port']}" if r.get("port") else ""
            lines.append(f"{FAIL_MARK} {check_id}{where}: {r.get('evidence', {})}")
        return Verdict.FAIL, lines, ""
    if any(r["verdict"] == "pass" for r in results):
        return Verdict.PASS, [f"{PASS_MARK} {check_id} passed"], ""
    if results:
        reasons = sorted({str(r.get("evidence", {}).get("reason", "")) for r in results} - {""})
        why = "could not be decided" + (f" ({'; '.join(reasons)})" if reasons else "")
    else:
        absent, why = absent_service(check_id, coverage)
        if absent:
            return Verdict.PASS, [f"{PASS_MARK} {check_id}: {why}"], ""
    return Verdict.NOT_ASSESSED, [f"{UNKNOWN_MARK} {check_id}: {why}"], why


def judge(
    requirement: ProcurementRequirement,
    declaration: Declaration,
    verdicts: Verdicts,
    coverage: Coverage | None = None,
) -> dict[str, Any]:
    """Fail beats conditional beats pass. A conditional verdict always names its conditions: the contract term,
    a declaration still owed, or a sub-test that could not be assessed."""
    parts: list[Verdict] = []
    evidence: list[str] = []
    conditions: list[str] = []
    for check_id in requirement.checks:
        verdict, found, why = _check(check_id, verdicts.get(check_id, []), coverage)
        parts.append(verdict)
        evidence += found
        if why:
            conditions.append(f"{check_id} is assessed on the device: {why}")
    for rule in requirement.declaration:
        verdict, line, condition = _rule(declaration, rule, requirement.level == "mandatory")
        parts.append(verdict)
        evidence.append(line)
        if condition:
            conditions.append(condition)
    if requirement.condition:
        conditions.insert(0, requirement.condition)
    assessed = [v for v in parts if v is not Verdict.NOT_ASSESSED]
    if not assessed:
        result = Verdict.NOT_ASSESSED
    elif Verdict.FAIL in assessed:
        result = Verdict.FAIL
    elif conditions:
        result = Verdict.CONDITIONAL
    else:
        result = Verdict.PASS
    basis = {(True, True): "both", (True, False): "scan", (False, True): "declaration"}[
        (bool(requirement.checks), bool(requirement.declaration))
    ]
    return {
        "id": requirement.id,
        "title": requirement.title,
        "level": requirement.level,
        "references": requirement.references.model_dump(),
        "verdict": result.value,
        "basis": basis,
        "evidence": evidence,
        "condition": "; ".join(c.rstrip(".") for c in conditions) if result is Verdict.CONDITIONAL else "",
    }


def overall(results: list[dict[str, Any]]) -> str:
    """A mandatory fail fails the device; any remaining conditional or unassessed mandatory item conditions it."""
    mandatory = [r["verdict"] for r in results if r["level"] == "mandatory"]
    if "fail" in mandatory:
        return Verdict.FAIL.value
    if "conditional" in mandatory or "not_assessed" in mandatory:
        return Verdict.CONDITIONAL.value
    return Verdict.PASS.value


def judge_all(
    requirements: RequirementsFile, declaration: Declaration, verdicts: Verdicts, coverage: Coverage | None = None
) -> list[dict[str, Any]]:
    return [judge(r, declaration, verdicts, coverage) for r in requirements.requirements]
