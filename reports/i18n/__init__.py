"""Report wording in English and Swedish: one message catalogue per language, plus check translations.

`en.yaml` and `sv.yaml` hold the same keys (a test says so). `checks.<lang>.yaml` translates check
titles, rationale and remediation; a check without a translation falls back to English, marked.
"""

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

LANGUAGES = ("en", "sv")


@cache
def _load(name: str) -> dict[str, Any]:
    path = resources.files("muniscan.reports") / "i18n" / name
    if not path.is_file():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def catalogue(lang: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in _load(f"{lang}.yaml").items()}


@dataclass(frozen=True)
class Messages:
    """Look up a message by key (with named fields) or a check's text, in one language."""

    lang: str = "en"
    _texts: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, lang: str) -> "Messages":
        if lang not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {lang!r}")
        return cls(lang, catalogue(lang))

    def __call__(self, key: str, **values: Any) -> str:
        text = self._texts.get(key) or catalogue("en").get(key) or key
        return text.format(**values) if values else text

    def term(self, group: str, value: Any) -> str:
        """A coded value (severity, status, verdict) in words; unknown codes stay as they are."""
        key = f"{group}.{value}"
        return self(key) if key in self._texts else str(value)

    def reason(self, code: dict[str, Any], english: str) -> str:
        """A dataset audit's reason from its code and values (reasons.<lang>.yaml); English where none exists."""
        template = _load(f"reasons.{self.lang}.yaml").get(code.get("code", "")) if self.lang != "en" else None
        if not template:
            return english
        values = dict(code.get("values") or {})
        if "unit_code" in values:
            values["units"] = self(f"privacy.unit_word.{values['unit_code']}", pseudonym=values.get("pseudonym", ""))
        if "unit" in values:
            values["unit"] = self.term("time_unit", values["unit"])
        if "category" in values:
            values["category"] = self.term("category", values["category"])
        try:
            return str(template).format(**values)
        except (KeyError, IndexError):
            return english

    def check(self, check_id: str, part: str, english: str) -> str:
        """A check's title, rationale or remediation; English with a marker where no translation exists."""
        if self.lang == "en":
            return english
        translated = (_load(f"checks.{self.lang}.yaml").get(check_id) or {}).get(part)
        return str(translated) if translated else f"{english} {self('label.untranslated')}"
