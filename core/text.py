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


# Telnet option negotiation (RFC 854/855): IAC SB ... IAC SE, IAC WILL/WONT/DO/DONT <option>, IAC <command>.
_TELNET_IAC = re.compile(rb"\xff\xfa.*?\xff\xf0|\xff[\xfb-\xfe].|\xff[\xf0-\xfa\xff]", re.DOTALL)


def without_telnet_negotiation(raw: bytes) -> bytes:
    """A telnet greeting without its option negotiation, which is protocol, not text."""
    return _TELNET_IAC.sub(b"", raw)


def printable_banner(raw: bytes, limit: int = 512) -> str:
    """Decode bytes from a device as text a person can read: no telnet negotiation, no control characters."""
    text = without_telnet_negotiation(raw[:limit]).decode("utf-8", errors="replace").replace("\r\n", "\n")
    return terminal_safe(text, limit=limit).strip()
