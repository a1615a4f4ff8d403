"""Every message exists in English and Swedish; Swedish reports read Swedish; untranslated checks are marked."""

import pytest
import yaml

from muniscan.checks.registry import load_checks
from muniscan.reports.i18n import LANGUAGES, Messages, catalogue
from tests.reports.conftest import muniscan


def test_every_key_exists_in_every_language() -> None:
    keys = {lang: set(catalogue(lang)) for lang in LANGUAGES}
    assert keys["en"] == keys["sv"], keys["en"] ^ keys["sv"]
    assert all(catalogue("sv")[k].strip() for k in keys["sv"])


def test_placeholders_match_between_languages() -> None:
    import string

    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    en, sv = catalogue("en"), catalogue("sv")
    assert {k for k in en if fields(en[k]) != fields(sv[k])} == set()


def test_check_translations_name_real_checks_and_untranslated_ones_are_marked() -> None:
    from importlib import resources

    translated = yaml.safe_load((resources.files("muniscan.reports") / "i18n" / "checks.sv.yaml").read_text("utf-8"))
    known = {c.id for c in load_checks()}
    assert set(translated) <= known
    sv = Messages.of("sv")
    assert sv.check("telnet_management_plaintext", "title", "x") == "Telnet-gränssnitt för administration exponerat"
    assert sv.check("no_such_check", "title", "English title") == "English title [ej översatt]"
    assert Messages.of("en").check("telnet_management_plaintext", "title", "English") == "English"


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="en, sv"):
        Messages.of("de")


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["html", "md"])
def test_swedish_report_has_swedish_headings(hostile_db: str, fmt: str) -> None:
    out = muniscan(hostile_db, "report", "security", "--format", fmt, "--lang", "sv").stdout
    for heading in ("Säkerhetsrapport", "Sammanfattning för ledningen", "Teknisk bilaga", "Brister", "Enheter"):
        assert heading in out
    assert "Executive summary" not in out
    assert "Telnet-gränssnitt för administration exponerat" in out
    assert "Risken accepterad av" in out
    assert "status slutförd" in out and "status completed" not in out


def test_every_device_class_a_rule_can_set_is_named_in_every_language() -> None:
    from muniscan.scanner.fingerprint.rules import load_rules

    classes = {r.set["device_class"] for r in load_rules() if "device_class" in r.set}
    assert len(classes) >= 15
    for lang in LANGUAGES:
        named = {k.removeprefix("device_class.") for k in catalogue(lang) if k.startswith("device_class.")}
        assert classes <= named, classes - named
    assert Messages.of("sv").term("device_class", "ip-camera") == "IP-kamera"
    assert Messages.of("sv").term("device_class", "homemade-gadget") == "homemade-gadget"  # unknown codes stay
