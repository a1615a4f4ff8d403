"""Evidence as labelled lines a person can check: "Login endpoint: POST /login (form)", never a data dump.

Keys are translated where the report's language has a word for them; values read as words (lists joined,
mappings as "name: value", records one after another).
"""

from typing import Any

from muniscan.reports.i18n import Messages


def label(t: Messages, key: str) -> str:
    """The report language's name for an evidence key; an unknown key reads as words."""
    text = t.term("evidence", key)
    return key.replace("_", " ").capitalize() if text == key else text


def words(t: Messages, value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    if isinstance(value, bool):
        return t("evidence.yes") if value else t("evidence.no")
    if isinstance(value, dict):
        return "; ".join(f"{label(t, str(k)) if _is_key(k) else k}: {words(t, v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        joiner = " | " if any(isinstance(v, dict) for v in value) else ", "
        return joiner.join(words(t, v) for v in value)
    return str(value)


def _is_key(name: Any) -> bool:
    """Record fields ("port", "user_agent") get labels; data keys (paths, header names) stay as they are."""
    return isinstance(name, str) and name.replace("_", "").isalpha() and name.islower()


def evidence_lines(t: Messages, evidence: dict[str, Any]) -> list[tuple[str, str]]:
    return [(label(t, key), words(t, value)) for key, value in evidence.items()]
