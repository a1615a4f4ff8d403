"""Untrusted text (banners, payloads, certificate fields) made safe to show."""

import re

# C0 controls except tab and newline, DEL, and C1 controls (ESC-less CSI 0x9b included); and the Unicode
# bidirectional controls (embeddings, overrides, isolates, marks), which can make a banner read backwards
# in a report or a terminal ("Trojan Source", CVE-2021-42574).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.")


def terminal_safe(text: str, limit: int = 200) -> str:
    """Strip escape sequences and control characters, and shorten, before printing."""
    cleaned = _CONTROL.sub("", _ANSI.sub("", text))
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1] + "…"
    return cleaned


def printable_banner(raw: bytes, limit: int = 512) -> str:
    """Decode bytes from a device as text a person can read, with no control characters."""
    text = raw[:limit].decode("utf-8", errors="replace").replace("\r\n", "\n")
    return terminal_safe(text, limit=limit).strip()
