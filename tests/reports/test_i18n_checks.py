"""Every check in the live registry reads in Swedish: title, rationale and remediation, none left in English."""

from importlib import resources

import yaml

from muniscan.checks.registry import load_checks
from muniscan.reports.i18n import Messages

PARTS = ("title", "rationale", "remediation")
CHECKS = load_checks()


def swedish() -> dict[str, dict[str, str]]:
    text = (resources.files("muniscan.reports") / "i18n" / "checks.sv.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def test_every_check_has_a_swedish_title_rationale_and_remediation() -> None:
    translated = swedish()
    missing = {c.id: [p for p in PARTS if not str((translated.get(c.id) or {}).get(p) or "").strip()] for c in CHECKS}
    missing = {check: parts for check, parts in missing.items() if parts}
    assert not missing, f"add Swedish text to reports/i18n/checks.sv.yaml for: {missing}"


def test_translations_have_only_the_three_parts_and_are_not_english_copies() -> None:
    translated = swedish()
    extra = {check: sorted(set(parts) - set(PARTS)) for check, parts in translated.items() if set(parts) - set(PARTS)}
    assert not extra, f"unknown parts in checks.sv.yaml: {extra}"
    copied = [f"{c.id}.{p}" for c in CHECKS for p in PARTS if (translated.get(c.id) or {}).get(p) == getattr(c.meta, p)]
    assert not copied, f"still English in checks.sv.yaml: {copied}"


def test_swedish_reports_show_no_untranslated_marker() -> None:
    sv = Messages.of("sv")
    marker = sv("label.untranslated")
    marked = [f"{c.id}.{p}" for c in CHECKS for p in PARTS if marker in sv.check(c.id, p, getattr(c.meta, p))]
    assert not marked, f"shown as {marker} in Swedish reports: {marked}"
