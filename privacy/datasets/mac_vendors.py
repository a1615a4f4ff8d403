"""MAC prefixes worth enumerating, ranked from the offline IEEE registry (the MA-L list netaddr ships).

Which devices pass a Wi-Fi/BLE people counter is not known in advance, so no fixed prefix list is used:
every registered block of the phone, wearable and IoT vendors below is taken from the registry, and the
vendors are interleaved in proportion to how many blocks each holds (a vendor that needed 1,200 blocks
ships more radios than one with 5), so after any share of the budget the same share of every vendor's
blocks has been tried. Within a vendor the registry's order is kept: the registry says nothing about
how many devices carry each block.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

# (vendor, kind, pattern on the registry's organisation name); kinds: phone, wearable, iot
VENDORS: tuple[tuple[str, str, str], ...] = (
    ("Apple", "phone", r"^Apple, Inc"),
    ("Samsung", "phone", r"^Samsung Electronics"),
    ("Huawei", "phone", r"^HUAWEI TECHNOLOGIES"),
    ("Xiaomi", "phone", r"Xiaomi"),
    ("Google", "phone", r"^Google, Inc"),
    ("OPPO", "phone", r"GUANGDONG OPPO"),
    ("OnePlus", "phone", r"OnePlus"),
    ("vivo", "phone", r"vivo Mobile"),
    ("realme", "phone", r"realme"),
    ("Honor", "phone", r"Honor Device"),
    ("Motorola", "phone", r"^Motorola Mobility"),
    ("Sony", "phone", r"^Sony"),
    ("HMD Global", "phone", r"HMD Global"),
    ("LG Electronics", "phone", r"^LG Electronics"),
    ("Garmin", "wearable", r"^Garmin"),
    ("Fitbit", "wearable", r"^Fitbit"),
    ("Polar", "wearable", r"Polar Electro"),
    ("Withings", "wearable", r"Withings"),
    ("Espressif", "iot", r"Espressif"),
    ("Raspberry Pi", "iot", r"Raspberry Pi"),
    ("Texas Instruments", "iot", r"^Texas Instruments"),
    ("Silicon Labs", "iot", r"Silicon Laboratories"),
    ("Nordic Semiconductor", "iot", r"Nordic Semiconductor"),
    ("Murata", "iot", r"Murata"),
    ("Tuya", "iot", r"Tuya"),
    ("Amazon", "iot", r"^Amazon Technologies"),
)
_ENTRY = re.compile(r"^([0-9A-F]{6})\s+\(base 16\)\s+(.*\S)\s*$")


@dataclass(frozen=True)
class VendorPrefix:
    """One registered 24-bit block: hex prefix (lower case, no separators), vendor and kind."""

    prefix: str
    vendor: str
    kind: str


def registry_entries() -> list[tuple[str, str]]:
    """(prefix, organisation) for every MA-L block in netaddr's copy of the IEEE registry, file order."""
    raw = resources.files("netaddr.eui").joinpath("oui.txt").read_bytes()
    text = raw.decode("utf-8", errors="replace")
    return [(m.group(1).lower(), m.group(2)) for line in text.splitlines() if (m := _ENTRY.match(line))]


@functools.cache
def ranked_prefixes() -> tuple[VendorPrefix, ...]:
    """Every block of the listed vendors, interleaved in proportion to each vendor's number of blocks."""
    patterns = [(vendor, kind, re.compile(pattern, re.IGNORECASE)) for vendor, kind, pattern in VENDORS]
    by_vendor: dict[str, list[VendorPrefix]] = {vendor: [] for vendor, _, _ in VENDORS}
    seen: set[str] = set()
    for prefix, organisation in registry_entries():
        for vendor, kind, pattern in patterns:
            if prefix not in seen and pattern.search(organisation):
                by_vendor[vendor].append(VendorPrefix(prefix, vendor, kind))
                seen.add(prefix)
                break
    return tuple(_interleave([blocks for blocks in by_vendor.values() if blocks]))


def _interleave(groups: list[list[VendorPrefix]]) -> list[VendorPrefix]:
    """Smooth weighted round-robin: each group is drawn in proportion to its length, the largest first."""
    total = sum(len(g) for g in groups)
    credit = [0] * len(groups)
    taken = [0] * len(groups)
    out: list[VendorPrefix] = []
    for _ in range(total):
        for i, group in enumerate(groups):
            if taken[i] < len(group):
                credit[i] += len(group)
        best = max((i for i in range(len(groups)) if taken[i] < len(groups[i])), key=lambda i: credit[i])
        out.append(groups[best][taken[best]])
        taken[best] += 1
        credit[best] -= total
    return out
