"""Offline Presidio analyzer: no_op NLP engine, a registry built in code, Swedish/EU recognizers."""

from __future__ import annotations

import os
import re
import warnings

import phonenumbers

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpEngine, NlpEngineProvider
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    IpRecognizer,
    PhoneRecognizer,
)

from muniscan.privacy.detection import recognizers as rec
from muniscan.privacy.detection.identifiers import (
    could_be_payment_card,
    is_imei,
    is_organisationsnummer,
    is_personnummer,
    looks_like_mobile,
)
from muniscan.privacy.detection.names import NameFieldRecognizer, NameGazetteerRecognizer

_DECIMAL = re.compile(r"[-+]?\d+\.\d+")
# `060428-5957` is a personnummer when its date and checksum hold, even though 060 is an area code.
_WHOLE_NUMBER = re.compile(r"\s*(\+?\d{7,})\s*")
_LONGEST_NUMBER = 17  # E.164 allows 15 digits; with `00` in front 17. A longer digit run holds no number.
_PNR_SHAPE = re.compile(r"(?:19|20)?\d{6}[-+]\d{4}")
_TYPED_READING = re.compile(
    r"\s*(?:[-+]?\d+\.\d+"  # reading / coordinate
    r"|-?\d{1,3}\.\d+\s*[,;]\s*-?\d{1,3}\.\d+"  # lat,lon pair
    r"|[vV]\d{1,3}(?:\.\d{1,3}){1,3}"  # version
    r"|[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"  # UUID
    r"|\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"  # ISO
    r"|\d{1,3}(?:\.\d{1,3}){3}"  # IPv4
    r"|[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5}"  # MAC
    r"|[0-9A-Fa-f]{12}|[0-9A-Fa-f]{32}|[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})\s*"
)
_CHECKSUMMED = re.compile(r"\s*(?:(?:18|19|20)?\d{6}[-+]?\d{4}|\d{2}-?\d{6}-?\d{6}-?\d)\s*")
# National-format numbers are read as Swedish; neighbours' numbers (+47, +45, +358, +49, ...)
# are found in international format from any region, so one region is enough and 5x cheaper.
PHONE_REGIONS = ("SE",)
EMAIL_CONTEXT = ["email", "mail", "epost", "e-post", "emailaddress", "contact"]
PHONE_CONTEXT = [
    "phone",
    "telephone",
    "tel",
    "telefon",
    "mobile",
    "mobil",
    "mobilnummer",
    "cell",
    "msisdn",
    "sms",
    "call",
    "telefonnummer",
]
IP_CONTEXT = ["ip", "ipv4", "ipv6", "addr", "address", "src", "dst", "host", "remote", "client"]
IBAN_CONTEXT = ["iban", "account", "konto", "bank"]
CARD_CONTEXT = ["card", "credit", "kort", "kortnummer", "pan"]


def is_typed_reading(text: str) -> bool:
    """A field that is wholly a decimal, coordinate pair, version, UUID, timestamp, IPv4, MAC, hex digest, or a
    checksum-valid personnummer, organisation number or IMEI is never read as a phone number (avoids double
    findings, saves time)."""
    if _TYPED_READING.fullmatch(text) is not None:
        return True
    if _CHECKSUMMED.fullmatch(text) is not None:
        return (is_personnummer(text) and not looks_like_mobile(text)) or is_imei(text) or is_organisationsnummer(text)
    return False


class MunicipalPhoneRecognizer(PhoneRecognizer):
    """phonenumbers with Nordic regions; typed readings (a latitude, a timestamp) are skipped."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list:
        if is_typed_reading(text):
            return []
        whole = _WHOLE_NUMBER.fullmatch(text)
        if whole is not None:
            return self._whole_number(whole)
        results = super().analyze(text, entities, nlp_artifacts)
        return [
            r
            for r in results
            if not _DECIMAL.fullmatch(text[r.start : r.end])
            and not (_PNR_SHAPE.fullmatch(text[r.start : r.end]) and is_personnummer(text[r.start : r.end]))
        ]

    def _whole_number(self, whole: re.Match) -> list[RecognizerResult]:
        """A field that is one unseparated number: parse it once instead of running the text matcher.

        Same verdict as the matcher's VALID leniency for such a field: a valid number, and a national
        number written with its trunk prefix 0 (`0701234567`, not `701234567`).
        """
        number = whole.group(1)
        if not number.startswith(("+", "00", "0")) or len(number) > _LONGEST_NUMBER:
            return []
        try:
            parsed = phonenumbers.parse(number, PHONE_REGIONS[0])
        except phonenumbers.NumberParseException:
            return []
        if not phonenumbers.is_valid_number(parsed):
            return []
        region = phonenumbers.region_code_for_number(parsed)
        return [self._get_recognizer_result(_Span(whole.start(1), whole.end(1)), whole.string, region, None)]


class _Span:
    __slots__ = ("end", "start")

    def __init__(self, start: int, end: int) -> None:
        self.start, self.end = start, end


class PaymentCardRecognizer(CreditCardRecognizer):
    """Presidio's card recognizer, minus 15-digit numbers no card scheme issues (IMEIs pass Luhn)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(name="PaymentCardRecognizer", **kwargs)

    def invalidate_result(self, pattern_text: str) -> bool:
        return not could_be_payment_card(pattern_text)


def offline_nlp_engine() -> NlpEngine:
    """Presidio's no_op engine: no spaCy model on disk, nothing downloaded."""
    configuration = {"nlp_engine_name": "no_op", "models": [{"lang_code": rec.LANGUAGE, "model_name": "no_op"}]}
    return NlpEngineProvider(nlp_configuration=configuration).create_engine()


def builtin_recognizers() -> list[EntityRecognizer]:
    """The full muniscan set; US/UK/other-country recognizers are deliberately absent."""
    language = rec.LANGUAGE
    return [
        EmailRecognizer(supported_language=language, context=EMAIL_CONTEXT),
        MunicipalPhoneRecognizer(supported_language=language, context=PHONE_CONTEXT, supported_regions=PHONE_REGIONS),
        IpRecognizer(supported_language=language, context=IP_CONTEXT),
        IbanRecognizer(supported_language=language, context=IBAN_CONTEXT),
        PaymentCardRecognizer(supported_language=language, context=CARD_CONTEXT),
        rec.SchemeUrlRecognizer(),
        rec.SwedishPersonnummerRecognizer(),
        rec.SwedishOrganisationsnummerRecognizer(),
        rec.SwedishLicencePlateRecognizer(),
        rec.MacNotationRecognizer(),
        rec.BareMacAddressRecognizer(),
        rec.ImeiRecognizer(),
        rec.ImsiRecognizer(),
        rec.CoordinatePairRecognizer(),
        rec.CoordinateFieldRecognizer(),
        rec.EuVatRecognizer(),
        rec.HashedIdentifierRecognizer(),
        rec.StreetAddressRecognizer(),
        rec.CustomerIdRecognizer(),
        NameGazetteerRecognizer(),
        NameFieldRecognizer(),
    ]


def build_analyzer(extra: list[EntityRecognizer] | None = None) -> AnalyzerEngine:
    """AnalyzerEngine over our registry; key words match context only as whole words."""
    nlp_engine = offline_nlp_engine()
    registry = RecognizerRegistry(supported_languages=[rec.LANGUAGE])
    for recognizer in [*builtin_recognizers(), *(extra or [])]:
        registry.add_recognizer(recognizer)
    # Substring matching would let key "description" boost IP ("ip") and "hostname" PERSON.
    enhancer = LemmaContextAwareEnhancer(context_matching_mode="whole_word")
    with warnings.catch_warnings():
        # Expected: with no_op only explicitly passed context (the field's key) can boost scores.
        warnings.filterwarnings("ignore", message="LemmaContextAwareEnhancer cannot use")
        return AnalyzerEngine(
            registry=registry,
            nlp_engine=nlp_engine,
            supported_languages=[rec.LANGUAGE],
            context_aware_enhancer=enhancer,
        )


def build_default_offline_analyzer() -> AnalyzerEngine:
    """Presidio's default registry on the no_op engine: the yardstick the benchmark compares to."""
    nlp_engine = NlpEngineProvider(
        nlp_configuration={"nlp_engine_name": "no_op", "models": [{"lang_code": "en", "model_name": "no_op"}]},
    ).create_engine()
    registry = RecognizerRegistry(supported_languages=["en"])
    registry.load_predefined_recognizers(languages=["en"], nlp_engine=nlp_engine)
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])
