"""Cheap per-field prefilters: a recognizer runs only on values it could possibly match."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import regex
from presidio_analyzer import EntityRecognizer, PatternRecognizer, RecognizerResult, pattern_recognizer

from muniscan.privacy.detection.analyzer import is_typed_reading
from muniscan.privacy.detection.recognizers import STREET_SUFFIXES

_DROP_DIGITS = str.maketrans("", "", "0123456789")


class FieldShape:
    """What the prefilters look at, computed once per field value."""

    __slots__ = ("digits", "has_upper", "value")

    def __init__(self, value: str) -> None:
        self.value = value
        self.digits = len(value) - len(value.translate(_DROP_DIGITS))
        self.has_upper = value.lower() != value


Prefilter = Callable[[FieldShape, bool], bool]


def _needs(expression: str, min_digits: int = 0, flags: int = 0) -> Prefilter:
    """Prefilter: a stdlib-`re` search for a fragment every match of the recognizer contains."""
    search = re.compile(expression, flags).search

    def prefilter(shape: FieldShape, _: bool) -> bool:
        return shape.digits >= min_digits and search(shape.value) is not None

    return prefilter


def _ip(s: FieldShape, _: bool) -> bool:
    # IPv6 needs "::" or eight groups; Presidio's validator rejects anything else.
    value = s.value
    return (s.digits >= 4 and _IPV4.search(value) is not None) or "::" in value or value.count(":") >= 7


def _name(s: FieldShape, has_context: bool) -> bool:
    # Full names (0.85) need a space; single names only pass with a name-like key.
    return s.has_upper and (has_context or " " in s.value)


def _phone(s: FieldShape, _: bool) -> bool:
    # phonenumbers (leniency VALID) reads digit blocks joined by phone punctuation, never glued to a Latin letter
    # (`BADGE401827`, hex ids), and no dialable number, national or international, has fewer than seven digits.
    if s.digits < 7 or _PHONE_RUN.search(s.value) is None or is_typed_reading(s.value):
        return False
    return any(len(run) - len(run.translate(_DROP_DIGITS)) >= 7 for run in _DIGIT_BLOCKS.findall(s.value))


_PHONE_RUN = re.compile(r"(?<![A-Za-z0-9])[+(]?\d[^A-Za-z]*?\d(?![A-Za-z0-9])")
_DIGIT_BLOCKS = re.compile(r"\d[\d \u00a0\-./()\[\]~]*")


_IPV4 = re.compile(r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}")
_HEX = "[0-9A-Fa-f]"
_VAT_PREFIXES = "AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK|XI"

# Each prefilter is a necessary condition of the recognizer's own patterns (parity-tested).
PREFILTERS: dict[str, Prefilter] = {
    "EmailRecognizer": lambda s, _: "@" in s.value,
    "MunicipalPhoneRecognizer": _phone,
    "IpRecognizer": _ip,
    "IbanRecognizer": _needs(r"[A-Z]{2}[0-9]{2}", 8),
    "PaymentCardRecognizer": _needs(r"\d{4}[- ]?\d{3}", 12),
    "SchemeUrlRecognizer": lambda s, _: "://" in s.value,
    "SwedishPersonnummerRecognizer": _needs(r"\d{6}[-+]?\d{4}", 10),
    "SwedishOrganisationsnummerRecognizer": _needs(r"\d{6}-?\d{4}", 10),
    "SwedishLicencePlateRecognizer": _needs(r"[A-HJ-PR-UW-Z]{3} ?\d{2}", 2, re.IGNORECASE),
    "MacNotationRecognizer": _needs(
        rf"{_HEX}{{2}}([:-]){_HEX}{{2}}\1{_HEX}{{2}}\1|"
        rf"{_HEX}{{4}}\.{_HEX}{{4}}\.{_HEX}{{4}}"
    ),
    "BareMacAddressRecognizer": _needs(rf"{_HEX}{{12}}"),
    "ImeiRecognizer": _needs(r"\d{6}[- ]?\d{6}", 15),
    "ImsiRecognizer": _needs(r"\d{14}", 14),
    "CoordinatePairRecognizer": _needs(r"\d\.\d{3}|[67]\d{6}", 7),
    "CoordinateFieldRecognizer": _needs(r"\d\.\d{4}|\d{6}", 5),
    "EuVatRecognizer": _needs(rf"(?:{_VAT_PREFIXES})[0-9A-Z+*]{{2}}", 2),
    "HashedIdentifierRecognizer": _needs(rf"{_HEX}{{32}}"),
    "NameGazetteerRecognizer": _name,
    "StreetAddressRecognizer": _needs(rf"(?:{STREET_SUFFIXES}) \d|Box \d", 1),
    "CustomerIdRecognizer": lambda s, _: s.digits >= 3,
    "NameFieldRecognizer": lambda s, _: s.digits == 0,
}

# Fewest digits a value needs for each recognizer's prefilter to pass: a plan per digit count skips the rest.
MIN_DIGITS = {
    "MunicipalPhoneRecognizer": 7,
    "IbanRecognizer": 8,
    "PaymentCardRecognizer": 12,
    "SwedishPersonnummerRecognizer": 10,
    "SwedishOrganisationsnummerRecognizer": 10,
    "SwedishLicencePlateRecognizer": 2,
    "ImeiRecognizer": 15,
    "ImsiRecognizer": 14,
    "CoordinatePairRecognizer": 7,
    "CoordinateFieldRecognizer": 5,
    "EuVatRecognizer": 2,
    "StreetAddressRecognizer": 1,
    "CustomerIdRecognizer": 3,
}
DIGIT_BUCKETS = 16  # plans for 0..15 digits; more digits use the last

# Validation never raises these above their pattern score, so below the threshold they need a key.
CONTEXT_ONLY = {
    "BareMacAddressRecognizer",
    "CustomerIdRecognizer",
    "CoordinateFieldRecognizer",
    "HashedIdentifierRecognizer",
    "NameFieldRecognizer",
}


# Every pattern run on a field value stops after this long: operators' regexes and Presidio's own can be
# super-linear on hostile input (`^(a|aa)+$`, the e-mail pattern on `a.a.a...@`).
REGEX_TIMEOUT_SECONDS = 0.05
pattern_recognizer.REGEX_TIMEOUT_SECONDS = REGEX_TIMEOUT_SECONDS  # type: ignore[assignment]  # Presidio loop too


class RegexTimeouts:
    """Counts pattern runs stopped by the timeout, and which recognizers they belonged to."""

    def __init__(self) -> None:
        self.count = 0
        self.names: set[str] = set()

    def add(self, name: str) -> None:
        self.count += 1
        self.names.add(name)


def _pattern_runner(
    recognizer: PatternRecognizer, timeouts: RegexTimeouts | None = None
) -> Callable[[str], list[RecognizerResult]]:
    """Presidio's pattern loop (score, validate, invalidate, de-duplicate) without its logging, each pattern
    under REGEX_TIMEOUT_SECONDS."""
    compiled = [(regex.compile(p.regex, flags=recognizer.global_regex_flags), p.score) for p in recognizer.patterns]
    entity = recognizer.supported_entities[0]
    name: str = getattr(recognizer, "name", "")
    metadata = {RecognizerResult.RECOGNIZER_NAME_KEY: name, RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id}
    validate, invalidate = recognizer.validate_result, recognizer.invalidate_result

    def run(text: str) -> list[RecognizerResult]:
        results = []
        for pattern, base_score in compiled:
            try:
                matches = list(pattern.finditer(text, timeout=REGEX_TIMEOUT_SECONDS))
            except TimeoutError:
                if timeouts is not None:
                    timeouts.add(name)
                continue
            for match in matches:
                start, end = match.span()
                if start == end:
                    continue
                matched = text[start:end]
                score = base_score
                verdict = validate(matched)
                if verdict is not None:
                    score = 1.0 if verdict else 0.0
                if invalidate(matched):
                    score = 0.0
                if score > 0:
                    results.append(RecognizerResult(entity, start, end, score, recognition_metadata=dict(metadata)))
        return EntityRecognizer.remove_duplicates(results) if len(results) > 1 else results

    return run


def _generic_runner(recognizer: EntityRecognizer) -> Callable[[str], list[RecognizerResult]]:
    def run(text: str) -> list[RecognizerResult]:
        results = recognizer.analyze(text, recognizer.supported_entities, None) or []
        for result in results:
            result.recognition_metadata = {
                RecognizerResult.RECOGNIZER_NAME_KEY: recognizer.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id,
                **(result.recognition_metadata or {}),
            }
        return results

    return run


@dataclass(frozen=True)
class Route:
    """A recognizer with its prefilter and the key words that can lift it over the threshold."""

    recognizer: EntityRecognizer
    name: str
    prefilter: Prefilter | None
    context_only: bool
    context_words: frozenset[str]
    run: Callable[[str], list[RecognizerResult]]

    def wanted(self, shape: FieldShape, context: frozenset[str]) -> bool:
        has_context = not self.context_words.isdisjoint(context)
        if self.context_only and not has_context:
            return False
        return self.prefilter is None or self.prefilter(shape, has_context)


def _max_pattern_score(recognizer: EntityRecognizer) -> float:
    if isinstance(recognizer, PatternRecognizer) and recognizer.patterns:
        return max(p.score for p in recognizer.patterns)
    return 1.0


def build_routes(
    recognizers: list[EntityRecognizer], threshold: float, timeouts: RegexTimeouts | None = None
) -> list[Route]:
    """Routes for all recognizers; unknown (operator YAML) ones run on every field."""
    routes = []
    for recognizer in recognizers:
        context_only = recognizer.name in CONTEXT_ONLY and _max_pattern_score(recognizer) < threshold
        words = frozenset(word.lower() for word in (recognizer.context or []))
        is_plain_pattern = (
            isinstance(recognizer, PatternRecognizer)
            and recognizer.patterns
            and type(recognizer).analyze is PatternRecognizer.analyze
        )
        runner = _pattern_runner(recognizer, timeouts) if is_plain_pattern else _generic_runner(recognizer)
        routes.append(Route(recognizer, recognizer.name, PREFILTERS.get(recognizer.name), context_only, words, runner))
    return routes
