"""Untrusted text (banners, evidence, certificate fields) cleaned once, before any renderer sees it."""

from typing import Any

from muniscan.text import terminal_safe

# Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def clean(value: Any, limit: int = 4000) -> Any:
    """Strings lose escape sequences and control characters; lists and mappings are cleaned deeply."""
    if isinstance(value, str):
        return terminal_safe(value, limit=limit)
    if isinstance(value, dict):
        return {clean(str(k), 200): clean(v, limit) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v, limit) for v in value]
    return value


def csv_cell(value: Any) -> str:
    """A spreadsheet cell that can never start a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
