"""Personal-data detection in IoT messages: field-wise, routed, same findings as the full analyzer."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import phonenumbers
from presidio_analyzer import EntityRecognizer, RecognizerResult

from muniscan.privacy.detection.analyzer import build_analyzer
from muniscan.privacy.detection.custom_recognizers import load_recognizer_directory
from muniscan.privacy.detection.identifiers import digits_of, mac_hex
from muniscan.privacy.detection.installation_key import keyed_hash, load_or_create_key
from muniscan.privacy.detection.masking import mask_value
from muniscan.privacy.detection.names import NAME_FIELD_CONTEXT
from muniscan.privacy.detection.payloads import PayloadField, payload_fields
from muniscan.privacy.detection.recognizers import LANGUAGE
from muniscan.privacy.detection.routing import (
    DIGIT_BUCKETS,
    MIN_DIGITS,
    REGEX_TIMEOUT_SECONDS,
    FieldShape,
    Prefilter,
    RegexTimeouts,
    Route,
    build_routes,
)

DEFAULT_THRESHOLD = 0.4
# Field values are untrusted: only their first MAX_FIELD_CHARS characters reach the recognizers (a value
# longer than any identifier is cut, and the cut counted), and each regex gets REGEX_TIMEOUT_SECONDS per
# field (a pattern that runs longer is skipped for that field, and counted). Super-linear patterns, such as
# Presidio's e-mail one on `a.a.a...@`, then cost milliseconds instead of minutes.
MAX_FIELD_CHARS = 2048
MESSAGE_BUDGET_SECONDS = 1.0
Runner = Callable[[str], list[RecognizerResult]]
# Presidio's LemmaContextAwareEnhancer defaults; parity tests hold us to them.
CONTEXT_BOOST = 0.35
MIN_SCORE_WITH_CONTEXT = 0.4
_CACHE_LIMIT = 50_000
# Categories a recognizer finds but that name no person (kept apart in reports, never counted as personal data).
NON_PERSONAL_CATEGORIES = frozenset({"SE_ORGANISATIONSNUMMER"})
# A dotted quad under these keys, or right after these words, is a four-part version number, not an address.
VERSION_WORDS = frozenset(
    {
        "fw",
        "firmware",
        "version",
        "ver",
        "vers",
        "sw",
        "software",
        "hw",
        "hardware",
        "release",
        "build",
        "rev",
        "revision",
        "bootloader",
        "fwversion",
        "firmwareversion",
        "swversion",
        "hwversion",
        "softwareversion",
        "hardwareversion",
        "appversion",
    }
)
# Keys that name a place or a thing: a name-like value under them is not a person (unless a person key is there too).
THING_KEYS = frozenset(
    {
        "site",
        "location",
        "place",
        "plats",
        "device",
        "devicename",
        "gateway",
        "station",
        "sensor",
        "application",
        "applicationname",
        "profile",
        "door",
        "camera",
        "stop",
        "hallplats",
        "building",
        "depot",
        "route",
        "vendor",
        "model",
        "operator",
        "leverantor",
        "leverantör",
        "node",
        "unit",
        "asset",
        "room",
        "zone",
        "area",
    }
)
NAME_KEYS = frozenset(NAME_FIELD_CONTEXT) - {"name", "namn"}
_VERSION_BEFORE = re.compile(r"(?:firmware|version|fw|sw|ver|build|release|rev)\W{0,3}$", re.IGNORECASE)


def is_personal_category(category: str) -> bool:
    return category not in NON_PERSONAL_CATEGORIES


def clear_parse_caches() -> None:
    """Forgets parsed keys and topics, so a benchmark run starts cold."""
    from muniscan.privacy.detection import payloads

    payloads.key_words.cache_clear()
    payloads._child_context.cache_clear()
    payloads._topic_fields.cache_clear()
    payloads._topic_context.cache_clear()


@dataclass(frozen=True, slots=True)
class Detection:
    """One personal-data finding; holds a masked sample and a keyed hash, never the raw value."""

    category: str
    field: str
    score: float
    start: int
    end: int
    masked: str
    keyed_hash: str
    recognizer: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class DetectionLimits:
    """How much untrusted input was not read in full: the note that goes with a result."""

    fields_cut: int = 0  # values longer than MAX_FIELD_CHARS, read up to it
    regex_timeouts: int = 0  # (pattern, field) pairs stopped after REGEX_TIMEOUT_SECONDS
    fields_skipped: int = 0  # fields not read because a deadline had passed
    timed_out_patterns: set[str] = field(default_factory=set)

    @property
    def any(self) -> bool:
        return bool(self.fields_cut or self.regex_timeouts or self.fields_skipped)

    def describe(self) -> str:
        parts = []
        if self.fields_cut:
            parts.append(f"{self.fields_cut} field value(s) over {MAX_FIELD_CHARS} characters read up to that length")
        if self.regex_timeouts:
            names = ", ".join(sorted(self.timed_out_patterns)[:5])
            parts.append(f"{self.regex_timeouts} pattern run(s) stopped after {REGEX_TIMEOUT_SECONDS:g} s ({names})")
        if self.fields_skipped:
            parts.append(f"{self.fields_skipped} field(s) not read: the time limit had passed")
        return "; ".join(parts)


def normalise_for_hash(category: str, value: str) -> str:
    """One canonical spelling per identifier, so `A4-5E-..` and `a4:5e:..` hash alike."""
    if category == "MAC_ADDRESS":
        return mac_hex(value) or value.lower()
    if category in ("SE_PERSONNUMMER", "SE_ORGANISATIONSNUMMER", "IMEI", "IMSI", "CREDIT_CARD"):
        return digits_of(value)
    if category == "PHONE_NUMBER":
        try:
            number = phonenumbers.parse(value, "SE")
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        except phonenumbers.NumberParseException:
            return digits_of(value)
    if category in ("IBAN_CODE", "SE_LICENCE_PLATE", "EU_VAT"):
        return "".join(value.split()).upper()
    return value.strip().lower()


class PersonalDataDetector:
    """Runs the full recognizer set on structured messages, fast enough for live MQTT traffic."""

    def __init__(
        self,
        custom_recognizer_dir: Path | None = None,
        score_threshold: float = DEFAULT_THRESHOLD,
        key: bytes | None = None,
        network_metadata: bool = False,
    ) -> None:
        """`network_metadata` also reads the gateway, tenant and radio metadata of known envelopes."""
        extra = load_recognizer_directory(custom_recognizer_dir) if custom_recognizer_dir else []
        self.analyzer = build_analyzer(extra)
        self.score_threshold = score_threshold
        self.network_metadata = network_metadata
        self._key = key
        self._recognizers = self.analyzer.registry.get_recognizers(LANGUAGE, all_fields=True)
        self._timeouts = RegexTimeouts()
        self._routes = build_routes(self._recognizers, score_threshold, self._timeouts)
        self._routes_by_context: dict[tuple[str, ...], list[tuple[Route, bool]]] = {}
        # Per (key, digits in the value): the routes whose prefilter can pass.
        self._plans: dict[tuple[tuple[str, ...], int], tuple[tuple[Prefilter | None, Runner, bool], ...]] = {}
        self._cache: dict[tuple[str, tuple[str, ...]], list[RecognizerResult]] = {}
        self._tokens: dict[tuple[str, str], tuple[str, str]] = {}  # (category, value) -> (masked, keyed hash)
        self._findings: dict[tuple[str, tuple[str, ...]], tuple[tuple, ...]] = {}  # (value, key) -> _findings_of
        self.limits = DetectionLimits()

    def reset_limits(self) -> DetectionLimits:
        """What was not read in full since the last reset; counting starts again."""
        limits, self.limits = self.limits, DetectionLimits()
        return limits

    @property
    def key(self) -> bytes:
        """The installation key, loaded on first use so tests can point MUNISCAN_HOME elsewhere."""
        if self._key is None:
            self._key = load_or_create_key()
        return self._key

    def analyze_field(self, value: str, context: tuple[str, ...]) -> list[RecognizerResult]:
        """Presidio results for one field value (cut to MAX_FIELD_CHARS), running only recognizers whose
        prefilter passes."""
        if len(value) > MAX_FIELD_CHARS:
            self.limits.fields_cut += 1
            value = value[:MAX_FIELD_CHARS]
        cache_key = (value, context)
        cached = self._cache.get(cache_key)
        if cached is not None:
            return cached
        shape = FieldShape(value)
        bucket = shape.digits if shape.digits < DIGIT_BUCKETS else DIGIT_BUCKETS - 1
        plan = self._plans.get((context, bucket))
        if plan is None:
            plan = self._plans[(context, bucket)] = tuple(
                (route.prefilter, route.run, has_context)
                for route, has_context in self._routes_for(context)
                if MIN_DIGITS.get(route.name, 0) <= bucket
            )
        before = self._timeouts.count
        results = self._run_plan(shape, plan)
        if self._timeouts.count != before:
            self.limits.regex_timeouts += self._timeouts.count - before
            self.limits.timed_out_patterns |= self._timeouts.names
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[cache_key] = results
        return results

    def field_results(self, value: str, context: tuple[str, ...]) -> list[RecognizerResult]:
        """analyze_field, less what the field's key or wording shows to be something else."""
        results = self.analyze_field(value, context)
        if results and any(r.entity_type == "IP_ADDRESS" for r in results):
            results = [r for r in results if r.entity_type != "IP_ADDRESS" or not _is_version(value, r, context)]
        if results and not THING_KEYS.isdisjoint(context) and NAME_KEYS.isdisjoint(context):
            results = [r for r in results if r.entity_type != "PERSON"]
        return results

    def _run_plan(
        self, shape: FieldShape, plan: tuple[tuple[Prefilter | None, Runner, bool], ...]
    ) -> list[RecognizerResult]:
        """Runs a context's routes on a cache miss; a flat tuple loop, since this is the hot path."""
        value = shape.value
        threshold = self.score_threshold
        results: list[RecognizerResult] = []
        for prefilter, run, has_context in plan:
            if prefilter is not None and not prefilter(shape, has_context):
                continue
            for result in run(value):
                if has_context:
                    result.score = min(max(result.score + CONTEXT_BOOST, MIN_SCORE_WITH_CONTEXT), 1.0)
                if result.score >= threshold:
                    results.append(result)
        if len(results) > 1:
            results = EntityRecognizer.remove_duplicates(results)
        return results

    def _routes_for(self, context: tuple[str, ...]) -> list[tuple[Route, bool]]:
        """Routes that can matter under these key words, with whether the key boosts them.

        The boost is Presidio's whole-word context enhancement for explicit context (a no_op
        engine has no tokens, so surrounding-word context never applies).
        """
        routes = self._routes_by_context.get(context)
        if routes is None:
            words = frozenset(context)
            routes = []
            for route in self._routes:
                has_context = not route.context_words.isdisjoint(words)
                if has_context or not route.context_only:
                    routes.append((route, has_context))
            self._routes_by_context[context] = routes
        return routes

    def reference_analyze_field(self, value: str, context: tuple[str, ...]) -> list[RecognizerResult]:
        """Every recognizer on the field through AnalyzerEngine.analyze: the parity yardstick."""
        return self.analyzer.analyze(
            value, language=LANGUAGE, context=list(context), score_threshold=self.score_threshold
        )

    def scan_fields(self, fields: Iterable[PayloadField], deadline: float | None = None) -> list[Detection]:
        """Detections for already-split fields; past `deadline` (time.monotonic) the rest are counted, not read."""
        detections = []
        findings_cache = self._findings
        for item in fields:
            if deadline is not None and time.monotonic() > deadline:
                self.limits.fields_skipped += 1
                continue
            cache_key = (item.value, item.context)
            findings = findings_cache.get(cache_key)
            if findings is None:
                if len(findings_cache) >= _CACHE_LIMIT:
                    findings_cache.clear()
                findings = findings_cache[cache_key] = self._findings_of(item.value, item.context)
            path = item.path
            for category, score, start, end, masked, hashed, recognizer in findings:
                detections.append(Detection(category, path, score, start, end, masked, hashed, recognizer))
        return detections

    def _findings_of(self, value: str, context: tuple[str, ...]) -> tuple[tuple, ...]:
        """Everything of a Detection but its path, once per (value, key): messages repeat values."""
        findings = []
        for result in self.field_results(value, context):
            category = result.entity_type
            masked, hashed = self._token(category, value[result.start : result.end])
            recognizer = (result.recognition_metadata or {}).get(RecognizerResult.RECOGNIZER_NAME_KEY, "")
            findings.append((category, round(result.score, 4), result.start, result.end, masked, hashed, recognizer))
        return tuple(findings)

    def _token(self, category: str, matched: str) -> tuple[str, str]:
        """Masked sample and keyed hash; they depend only on the matched text, so once per text."""
        token = self._tokens.get((category, matched))
        if token is None:
            if len(self._tokens) >= _CACHE_LIMIT:
                self._tokens.clear()
            token = self._tokens[(category, matched)] = (
                mask_value(category, matched),
                keyed_hash(normalise_for_hash(category, matched), self.key),
            )
        return token

    def scan_message(
        self, payload: bytes | str | dict | list, topic: str | None = None, deadline: float | None = None
    ) -> list[Detection]:
        """Personal data in one message (JSON, CBOR, key=value, CSV row or text) and its topic, read for at most
        MESSAGE_BUDGET_SECONDS and never past `deadline`."""
        budget = time.monotonic() + MESSAGE_BUDGET_SECONDS
        fields = payload_fields(payload, topic, self.network_metadata)
        return self.scan_fields(fields, budget if deadline is None else min(deadline, budget))

    def findings_with_text(
        self, payload: bytes | str | dict | list, topic: str | None = None
    ) -> list[tuple[str, str, str]]:
        """(category, field path, matched text) for evaluation against labelled messages; never stored."""
        return [
            (result.entity_type, item.path, item.value[result.start : result.end])
            for item in payload_fields(payload, topic, self.network_metadata)
            for result in self.field_results(item.value, item.context)
        ]

    def scan_messages(self, messages: Iterable[tuple[bytes | str, str | None]]) -> list[list[Detection]]:
        """Batch form of scan_message; the field cache pays off across a device's messages."""
        return [self.scan_message(payload, topic) for payload, topic in messages]


def _is_version(value: str, result: RecognizerResult, context: tuple[str, ...]) -> bool:
    return not VERSION_WORDS.isdisjoint(context) or _VERSION_BEFORE.search(value, 0, result.start) is not None


_default_detector: PersonalDataDetector | None = None


def detect_in_payload(payload: bytes | str, topic: str | None = None) -> list[Detection]:
    """Convenience entry point with the built-in recognizer set."""
    global _default_detector
    if _default_detector is None:
        _default_detector = PersonalDataDetector()
    return _default_detector.scan_message(payload, topic)
