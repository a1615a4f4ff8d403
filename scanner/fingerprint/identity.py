"""Merge rule matches and the MAC's OUI into one device identity, each attribute with its evidence."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from muniscan.scanner.fingerprint.facts import FactBag
from muniscan.scanner.fingerprint.oui import oui_prefix, vendor_for_mac
from muniscan.scanner.fingerprint.rules import ATTRIBUTE_NAMES, Rule

ATTRIBUTES = ATTRIBUTE_NAMES
# An OUI names the maker of the network interface, often a module vendor, not the device's brand.
OUI_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Evidence:
    rule: str
    fact: str
    text: str
    confidence: float

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "fact": self.fact, "text": self.text, "confidence": self.confidence}


@dataclass(frozen=True)
class IdentifiedValue:
    value: str
    confidence: float
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class DeviceIdentity:
    vendor: IdentifiedValue | None = None
    model: IdentifiedValue | None = None
    firmware: IdentifiedValue | None = None
    device_class: IdentifiedValue | None = None
    conflicts: dict[str, list[str]] = field(default_factory=dict)

    def value(self, attribute: str) -> str | None:
        found: IdentifiedValue | None = getattr(self, attribute)
        return found.value if found else None

    @property
    def confidence(self) -> float | None:
        """The weakest of the attributes found: an identity is only as sure as its least sure part."""
        found = [getattr(self, a).confidence for a in ATTRIBUTES if getattr(self, a) is not None]
        return round(min(found), 3) if found else None

    def evidence_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for attribute in ATTRIBUTES:
            found: IdentifiedValue | None = getattr(self, attribute)
            if found:
                data[attribute] = {
                    "value": found.value,
                    "confidence": found.confidence,
                    "evidence": [e.to_dict() for e in found.evidence],
                }
        if self.conflicts:
            data["conflicts"] = self.conflicts
        return data


def _combined(confidences: Iterable[float]) -> float:
    """Independent agreeing evidence adds up (noisy-or) but never reaches certainty from weak parts."""
    doubt = 1.0
    for c in confidences:
        doubt *= 1.0 - c
    return round(1.0 - doubt, 3)


def _matches(bag: FactBag, rules: Iterable[Rule]) -> Iterable[tuple[str, str, Evidence]]:
    for rule in rules:
        for text in bag.get(rule.fact, ()):
            values = rule.apply(text)
            if values is None:
                continue
            evidence = Evidence(rule.id, rule.fact, text[:200], rule.confidence)
            for attribute, value in values.items():
                yield attribute, value, evidence


def identify(bag: FactBag, rules: Iterable[Rule], mac: str | None = None) -> DeviceIdentity:
    """The best-supported value of each attribute; disagreeing values are kept as conflicts."""
    candidates: dict[str, dict[str, list[Evidence]]] = {a: {} for a in ATTRIBUTES}
    spelling: dict[str, str] = {}
    for attribute, value, evidence in _matches(bag, rules):
        key = value.casefold()
        spelling.setdefault(key, value)
        candidates[attribute].setdefault(key, []).append(evidence)
    if mac and (org := vendor_for_mac(mac)):
        key = org.casefold()
        spelling.setdefault(key, org)
        candidates["vendor"].setdefault(key, []).append(Evidence("oui", "mac", oui_prefix(mac), OUI_CONFIDENCE))
    chosen: dict[str, IdentifiedValue] = {}
    conflicts: dict[str, list[str]] = {}
    for attribute, by_value in candidates.items():
        if not by_value:
            continue
        scored = sorted(
            ((key, _combined(e.confidence for e in evs), evs) for key, evs in by_value.items()),
            key=lambda item: (-item[1], item[0]),
        )
        key, confidence, evidence = scored[0]
        chosen[attribute] = IdentifiedValue(spelling[key], confidence, tuple(evidence))
        if len(scored) > 1:
            conflicts[attribute] = [spelling[k] for k, _, _ in scored]
    return DeviceIdentity(**chosen, conflicts=conflicts)
