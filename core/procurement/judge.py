"""Judge each requirement from the device's check verdicts and the vendor's declaration; no I/O."""

from typing import Any

from muniscan.procurement.model import (
    TESTS,
    Declaration,
    DeclarationRule,
    ProcurementRequirement,
    RequirementsFile,
    Verdict,
)

MISSING = object()


def declared(declaration: Declaration, path: str) -> Any:
    value: Any = declaration.model_dump(mode="json")
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return MISSING
        value = value[part]
    return value


def _rule(declaration: Declaration, rule: DeclarationRule) -> tuple[Verdict, str]:
    value = declared(declaration, rule.field)
    if value is MISSING or value is None or value == "" or value == []:
        if rule.present is False:
            return Verdict.PASS, f"{rule.field}: not declared, as required"
        return Verdict.CONDITIONAL, f"{rule.field}: not declared; the vendor still owes this"
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
    return (Verdict.PASS if ok else Verdict.FAIL), f"declared {shown}; required {expected}"


Verdicts = dict[str, list[dict[str, Any]]]


def _checks(requirement: ProcurementRequirement, verdicts: Verdicts) -> tuple[Verdict, list[str]]:
    evidence, outcome = [], []
    for check_id in requirement.checks:
        results = verdicts.get(check_id, [])
        failing = [r for r in results if r["verdict"] == "fail"]
        if failing:
            outcome.append(Verdict.FAIL)
            for r in failing:
                where = f" on port {r['port']}" if r.get("port") else ""
                evidence.append(f"{check_id} failed{where}: {r.get('evidence', {})}")
        elif any(r["verdict"] == "pass" for r in results):
            outcome.append(Verdict.PASS)
            evidence.append(f"{check_id} passed")
        elif results and all(r["verdict"] == "not_applicable" for r in results):
            outcome.append(Verdict.PASS)
            evidence.append(f"{check_id}: not applicable (no such service)")
        else:
            outcome.append(Verdict.NOT_ASSESSED)
            evidence.append(f"{check_id}: did not run" if not results else f"{check_id}: could not be decided")
    if Verdict.FAIL in outcome:
        return Verdict.FAIL, evidence
    if outcome and all(v is Verdict.NOT_ASSESSED for v in outcome):
        return Verdict.NOT_ASSESSED, evidence
    return Verdict.PASS, evidence


def judge(
    requirement: ProcurementRequirement, declaration: Declaration, verdicts: dict[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    """Fail beats conditional beats pass; a stated contract condition makes a pass conditional."""
    parts: list[Verdict] = []
    evidence: list[str] = []
    if requirement.checks:
        verdict, found = _checks(requirement, verdicts)
        parts.append(verdict)
        evidence += found
    for rule in requirement.declaration:
        verdict, found = _rule(declaration, rule)
        parts.append(verdict)
        evidence.append(found)
    assessed = [v for v in parts if v is not Verdict.NOT_ASSESSED]
    if not assessed:
        overall = Verdict.NOT_ASSESSED
    elif Verdict.FAIL in assessed:
        overall = Verdict.FAIL
    elif Verdict.CONDITIONAL in assessed or requirement.condition or len(assessed) < len(parts):
        overall = Verdict.CONDITIONAL
    else:
        overall = Verdict.PASS
    basis = {(True, True): "both", (True, False): "scan", (False, True): "declaration"}[
        (bool(requirement.checks), bool(requirement.declaration))
    ]
    return {
        "id": requirement.id,
        "title": requirement.title,
        "level": requirement.level,
        "references": requirement.references.model_dump(),
        "verdict": overall.value,
        "basis": basis,
        "evidence": evidence,
        "condition": requirement.condition if overall is Verdict.CONDITIONAL else "",
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
    requirements: RequirementsFile, declaration: Declaration, verdicts: dict[str, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    return [judge(r, declaration, verdicts) for r in requirements.requirements]
