"""Secrets in files and payloads: passwords in configuration formats, private keys, tokens and
connection strings with a password. What is found comes back masked; the secret itself never leaves.

Patterns are bounded (no unbounded repetition), so a hostile file cannot stall the scan.
"""

import re
from dataclasses import dataclass

_KEY_WORDS = r"(?:passw(?:or)?d|passwd|pwd|pass|secret|psk|passphrase|community|credentials?)"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("private_key", re.compile(r"-----BEGIN (?P<key>(?:[A-Z0-9]{1,10} ){0,3})PRIVATE KEY-----")),
    (
        "password",
        re.compile(
            r"(?im)^[ \t]{0,40}[\"']?(?P<key>[\w.-]{0,40}"
            + _KEY_WORDS
            + r"[\w.-]{0,20})[\"']?[ \t]{0,10}[:=][ \t]{0,10}"
            r"[\"']?(?P<value>[^\s\"'#;,<>]{3,200})"
        ),
    ),
    (
        "password",
        re.compile(r"(?i)<(?P<key>[\w.-]{0,40}" + _KEY_WORDS + r"[\w.-]{0,20})>(?P<value>[^<\s]{3,200})</"),
    ),
    (
        "password",
        re.compile(
            r"(?i)\"(?P<key>[\w.-]{0,40}"
            + _KEY_WORDS
            + r"[\w.-]{0,20})\"[ \t]{0,10}:[ \t]{0,10}\"(?P<value>[^\"]{3,200})\""
        ),
    ),
    (
        "connection_string",
        re.compile(
            r"(?P<key>[a-zA-Z][a-zA-Z0-9+.-]{1,20})://(?P<user>[^:/@\s]{1,64}):(?P<value>[^@/\s]{3,128})@(?P<host>[^\s/\"']{1,120})"
        ),
    ),
    ("token", re.compile(r"\b(?P<value>AKIA[0-9A-Z]{16})\b")),
    (
        "token",
        re.compile(
            r"(?i)\b(?P<key>api[_-]?key|auth[_-]?token|access[_-]?token|bearer|access[_-]?key|client[_-]?secret)"
            r"[\"']?[ \t]{0,10}[:= ][ \t]{0,10}[\"']?(?P<value>[A-Za-z0-9_\-.=+/]{16,300})"
        ),
    ),
)
# Values that only stand in for a secret.
_PLACEHOLDER = re.compile(r"^(?:\*+|x+|X+|\.+|none|null|empty|changeme_here|<[^>]*>|\$\{?[\w.]+\}?|\{\{.*\}\}|%\w+%)$")


@dataclass(frozen=True)
class SecretFound:
    kind: str  # password, private_key, token, connection_string
    where: str  # the key, element or scheme it was found under, and its line
    masked: str  # the first character and stars; never the secret


def mask_secret(value: str) -> str:
    return value[:1] + "*****" if len(value) > 5 else "*****"


def _masked(kind: str, match: re.Match[str]) -> str:
    if kind == "private_key":
        return f"-----BEGIN {match.group('key')}PRIVATE KEY----- (key not kept)"
    if kind == "connection_string":
        return f"{match.group('key')}://{match.group('user')[:1]}***:*****@{match.group('host')}"
    return mask_secret(match.group("value"))


def find_secrets(text: str, limit: int = 20) -> list[SecretFound]:
    """Secrets in a text, at most `limit`, each masked, one per place (key and line)."""
    found: dict[tuple[str, int], SecretFound] = {}
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            value = match.groupdict().get("value")
            if value is not None and _PLACEHOLDER.match(value):
                continue
            line = text.count("\n", 0, match.start()) + 1
            key = (match.groupdict().get("key") or kind).strip() or kind
            found.setdefault((key, line), SecretFound(kind, f"{key[:60]} (line {line})", _masked(kind, match)))
            if len(found) >= limit:
                return list(found.values())
    return list(found.values())


def without_secrets(text: str) -> str:
    """The text with every secret value starred, so other detectors never see (or sample) a secret."""
    for kind, pattern in _PATTERNS:
        if kind == "private_key":
            continue

        def star(match: re.Match[str]) -> str:
            start, end = match.span("value")
            return match.group(0)[: start - match.start()] + "*****" + match.group(0)[end - match.start() :]

        text = pattern.sub(star, text)
    return text
