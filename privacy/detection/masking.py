"""Masked samples for evidence: enough to recognise a value's kind, never enough to recover it."""

from __future__ import annotations

import re

from muniscan.privacy.detection.identifiers import digits_of, is_personnummer, is_swedish_plate, mac_hex
from muniscan.text import terminal_safe

_DIGIT = re.compile(r"\d")
_WORD_CHAR = re.compile(r"\w", re.UNICODE)


def mask_mac(value: str) -> str:
    """Keep the vendor prefix (OUI), which is public; hide the device part."""
    hex12 = mac_hex(value)
    if hex12 is None:
        return mask_generic(value)
    return ":".join(hex12[i : i + 2] for i in range(0, 6, 2)) + ":**:**:**"


def mask_personnummer(value: str) -> str:
    """`19******-**42`: the century and the last two digits only."""
    digits = digits_of(value)
    century = digits[:2] if len(digits) == 12 else ""
    return f"{century}******-**{digits[-2:]}"


def mask_email(value: str) -> str:
    """`a***@example.se`: the domain tells the DPO whose mailbox it is, the local part does not."""
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_phone(value: str) -> str:
    """Country/area prefix and the last two digits survive."""
    seen = 0
    total = len(_DIGIT.findall(value))
    out = []
    for char in value:
        if char.isdigit():
            seen += 1
            out.append(char if seen <= 3 or seen > total - 2 else "*")
        else:
            out.append(char)
    return "".join(out)


def mask_ip(value: str) -> str:
    """Network part only: first two IPv4 octets or the first IPv6 group."""
    if "." in value and ":" not in value:
        parts = value.split(".")
        return ".".join(parts[:2] + ["*"] * (len(parts) - 2))
    return value.split(":", 1)[0] + ":****"


def mask_name(value: str) -> str:
    """Initials only."""
    return " ".join(f"{word[:1]}***" for word in value.split())


_DECIMALS = re.compile(r"(\d+\.\d)\d*")


def _cut_decimals(match: re.Match[str]) -> str:
    return match.group(1) + "*"  # a callable, not the template r"\1*": re expands templates slowly


def mask_coordinates(value: str) -> str:
    """Coordinates cut to one decimal (about 11 km): region, not household."""
    return _DECIMALS.sub(_cut_decimals, value)


def mask_hash(value: str) -> str:
    """Six leading hex digits are enough to tell digests apart by eye."""
    return value[:6] + "…"


def mask_generic(value: str) -> str:
    """First and last character kept, every other letter or digit starred."""
    if len(value) <= 4:
        return "*" * len(value)
    middle = _WORD_CHAR.sub("*", value[1:-1])
    return value[0] + middle + value[-1]


_MASKERS = {
    "MAC_ADDRESS": mask_mac,
    "SE_PERSONNUMMER": mask_personnummer,
    "EMAIL_ADDRESS": mask_email,
    "PHONE_NUMBER": mask_phone,
    "IP_ADDRESS": mask_ip,
    "PERSON": mask_name,
    "GPS_COORDINATE": mask_coordinates,
    "HASHED_IDENTIFIER": mask_hash,
}


def mask_value(category: str, value: str) -> str:
    """Mask `value` the way its category needs."""
    return _MASKERS.get(category, mask_generic)(value)


_MAC_SEGMENT = re.compile(r"^(?:[0-9a-fA-F]{2}[:\-]){5}[0-9a-fA-F]{2}$|^[0-9a-fA-F]{12}$")
_LONG_NUMBER = re.compile(r"\d{6,}")


def mask_topic_level(level: str) -> str:
    if "@" in level:
        return mask_email(level)
    if is_personnummer(level):
        return mask_personnummer(level)
    if _MAC_SEGMENT.match(level) and mac_hex(level):
        return mask_mac(level)
    if is_swedish_plate(level) or _LONG_NUMBER.search(level):
        return mask_generic(level)
    return level


def mask_topic(topic: str) -> str:
    """A topic a person can read, with identifiers (MAC, personnummer, plate, e-mail, long numbers) masked."""
    return "/".join(mask_topic_level(level) for level in terminal_safe(topic, limit=256).split("/"))
