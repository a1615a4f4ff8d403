"""Presidio recognizers for identifiers that IoT payloads carry and Presidio lacks (SE/EU focus)."""

from __future__ import annotations

import os
from typing import ClassVar

# Before presidio/tldextract import: use the bundled Public Suffix List, never fetch it.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

import regex
from presidio_analyzer import Pattern, PatternRecognizer

from muniscan.privacy.detection import identifiers as ids

LANGUAGE = "sv"
CASE_SENSITIVE = regex.DOTALL | regex.MULTILINE
_NUMBER = regex.compile(r"-?\d+(?:\.\d+)?")


class SwedishPersonnummerRecognizer(PatternRecognizer):
    """Personnummer and samordningsnummer, 10 or 12 digits, `-`, `+` or no separator; Luhn."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="SE_PERSONNUMMER",
            name="SwedishPersonnummerRecognizer",
            supported_language=LANGUAGE,
            patterns=[Pattern("pnr", r"(?<!\d)(?:18|19|20)?\d{6}[-+]?\d{4}(?!\d)", 0.3)],
            context=["personnummer", "pnr", "ssn", "personid", "samordningsnummer", "personal", "identity", "persnr"],
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        """Checksum and date decide; a bare `07x` number that passes both is a mobile unless the key says pnr."""
        if not ids.is_personnummer(pattern_text):
            return False
        return None if ids.looks_like_mobile(pattern_text) else True


class SwedishOrganisationsnummerRecognizer(PatternRecognizer):
    """Organisation number (third digit >= 2, Luhn); sole traders use their personnummer instead."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="SE_ORGANISATIONSNUMMER",
            name="SwedishOrganisationsnummerRecognizer",
            supported_language=LANGUAGE,
            patterns=[Pattern("orgnr", r"(?<!\d)(?:16)?\d{6}-?\d{4}(?!\d)", 0.5)],
            context=["orgnr", "organisationsnummer", "organisation", "company", "företag"],
        )

    def validate_result(self, pattern_text: str) -> bool:
        return ids.is_organisationsnummer(pattern_text)


class SwedishLicencePlateRecognizer(PatternRecognizer):
    """ABC 123 / ABC 12A; personal data because the vehicle register names the keeper."""

    def __init__(self) -> None:
        letters = "A-HJ-PR-UW-Z"
        super().__init__(
            supported_entity="SE_LICENCE_PLATE",
            name="SwedishLicencePlateRecognizer",
            supported_language=LANGUAGE,
            patterns=[
                # Upper case, alone or in a file name (`ABC123_cam4.jpg`): a plate wherever it stands.
                Pattern("plate", rf"(?<![A-Za-z0-9-])[{letters}]{{3}} ?\d{{2}}[{letters}\d](?![A-Za-z0-9-])", 0.45),
                # Lower case only as a whole value (a CSV column, a key=value pair) or under a plate key.
                Pattern("plate_lower", rf"^[{letters.lower()}]{{3}} ?\d{{2}}[{letters.lower()}\d]$", 0.45),
                # ... as an image file name (`/abc123_cam4.jpg`), or after a word that announces a plate.
                Pattern("plate_file", rf"(?<=/)[{letters.lower()}]{{3}}\d{{2}}[{letters.lower()}\d](?=[_.])", 0.45),
                Pattern(
                    "plate_after_cue",
                    rf"(?<=(?i:regnr|regnummer|registreringsnummer|reg\.nr|plate|skylt)\W{{1,3}})"
                    rf"[{letters.lower()}]{{3}} ?\d{{2}}[{letters.lower()}\d](?![\w-])",
                    0.45,
                ),
            ],
            context=[
                "regnr",
                "registreringsnummer",
                "reg",
                "plate",
                "licenseplate",
                "licenceplate",
                "license",
                "licence",
                "vehicle",
                "fordon",
                "skylt",
                "numberplate",
                "anpr",
                "lpr",
            ],
            global_regex_flags=CASE_SENSITIVE,
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        return None if ids.is_swedish_plate(pattern_text) else False


class MacNotationRecognizer(PatternRecognizer):
    """EUI-48 with `:`/`-` separators or Cisco dots; Wi-Fi/BLE counters are built on these."""

    def __init__(self) -> None:
        hx = "[0-9A-Fa-f]"
        super().__init__(
            supported_entity="MAC_ADDRESS",
            name="MacNotationRecognizer",
            supported_language=LANGUAGE,
            patterns=[
                Pattern(
                    "mac_sep",
                    rf"(?<![0-9A-Fa-f:-]){hx}{{2}}([:-])(?:{hx}{{2}}\1){{4}}{hx}{{2}}"
                    rf"(?![0-9A-Fa-f:-])",
                    0.6,
                ),
                Pattern(
                    "mac_dot",
                    rf"(?<![0-9A-Fa-f.]){hx}{{4}}\.{hx}{{4}}\.{hx}{{4}}"
                    rf"(?![0-9A-Fa-f.])",
                    0.6,
                ),
            ],
            context=["mac", "bssid", "hwaddr", "eui", "macaddress", "wifi", "ble", "bluetooth", "station", "client"],
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        return None if ids.mac_hex(pattern_text) else False


class BareMacAddressRecognizer(PatternRecognizer):
    """12 bare hex digits are a MAC only when the field says so (else serials, tokens)."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="MAC_ADDRESS",
            name="BareMacAddressRecognizer",
            supported_language=LANGUAGE,
            patterns=[Pattern("mac_bare", r"(?<![0-9A-Za-z])[0-9A-Fa-f]{12}(?![0-9A-Za-z])", 0.05)],
            context=["mac", "bssid", "hwaddr", "eui", "macaddress", "wifi", "ble", "bluetooth", "station", "client"],
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        return None if ids.mac_hex(pattern_text) else False


class ImeiRecognizer(PatternRecognizer):
    """15-digit IMEI with Luhn; a phone or modem, hence its owner."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="IMEI",
            name="ImeiRecognizer",
            supported_language=LANGUAGE,
            patterns=[Pattern("imei", r"(?<!\d)\d{2}[- ]?\d{6}[- ]?\d{6}[- ]?\d(?!\d)", 0.3)],
            context=["imei", "deviceid", "handset", "modem", "terminal"],
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        """Luhn and a reporting body GSMA allocates TACs under: an IMEI without a key; Luhn alone needs one."""
        if not ids.is_imei(pattern_text):
            return False
        return True if ids.imei_tac_plausible(pattern_text) else None


class ImsiRecognizer(PatternRecognizer):
    """IMSI: known MCC/MNC + subscriber number; identifies a SIM subscription."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="IMSI",
            name="ImsiRecognizer",
            supported_language=LANGUAGE,
            patterns=[Pattern("imsi", r"(?<!\d)\d{14,15}(?!\d)", 0.3)],
            context=["imsi", "subscriber", "sim", "msin"],
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        return None if ids.is_imsi(pattern_text) else False


class CoordinatePairRecognizer(PatternRecognizer):
    """`lat, lon` in decimal degrees or a SWEREF 99 TM northing/easting pair."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="GPS_COORDINATE",
            name="CoordinatePairRecognizer",
            supported_language=LANGUAGE,
            patterns=[
                Pattern(
                    "wgs84_pair",
                    r"(?<![\d.])-?\d{1,2}\.\d{3,}\s*[,; ]\s*-?\d{1,3}\.\d{3,}"
                    r"(?![\d.])",
                    0.5,
                ),
                Pattern(
                    "sweref_pair",
                    r"(?<![\d.])[67]\d{6}(?:\.\d+)?\s*[,; ]\s*\d{6}(?:\.\d+)?"
                    r"(?![\d.])",
                    0.3,
                ),
            ],
            context=[
                "gps",
                "position",
                "location",
                "coordinates",
                "coords",
                "latlon",
                "latlng",
                "geo",
                "sweref",
                "sweref99",
                "koordinater",
                "plats",
                "northing",
                "easting",
            ],
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        numbers = [float(n) for n in _NUMBER.findall(pattern_text)]
        if len(numbers) != 2:
            return False
        first, second = numbers
        if first >= 1_000_000:
            return None if ids.is_sweref99tm_pair(first, second) else False
        return None if ids.is_wgs84_pair(first, second) else False


class CoordinateFieldRecognizer(PatternRecognizer):
    """One decimal degree (>= 4 decimals) in a field named lat/lon/northing."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="GPS_COORDINATE",
            name="CoordinateFieldRecognizer",
            supported_language=LANGUAGE,
            patterns=[
                Pattern("degree", r"(?<![\d.])-?\d{1,3}\.\d{4,}(?![\d.])", 0.05),
                Pattern("sweref_m", r"(?<![\d.])[1-7]\d{5,6}(?:\.\d+)?(?![\d.])", 0.05),
            ],
            context=[
                "lat",
                "lon",
                "lng",
                "latitude",
                "longitude",
                "northing",
                "easting",
                "sweref",
                "breddgrad",
                "längdgrad",
            ],
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        value = abs(float(pattern_text))
        return None if value <= 180 or value >= 100_000 else False


class EuVatRecognizer(PatternRecognizer):
    """EU VAT numbers; a Swedish sole trader's VAT number embeds the personnummer."""

    COUNTRIES = "AT|BE|BG|CY|CZ|DE|DK|EE|EL|ES|FI|FR|HR|HU|IE|IT|LT|LU|LV|MT|NL|PL|PT|RO|SE|SI|SK|XI"

    def __init__(self) -> None:
        super().__init__(
            supported_entity="EU_VAT",
            name="EuVatRecognizer",
            supported_language=LANGUAGE,
            patterns=[Pattern("vat", rf"(?<![\w])(?:{self.COUNTRIES})[0-9A-Z+*]{{2,13}}(?![\w])", 0.3)],
            context=["vat", "moms", "momsnummer", "momsregistreringsnummer", "vatnumber", "ustid"],
            global_regex_flags=CASE_SENSITIVE,
        )

    def validate_result(self, pattern_text: str) -> bool:
        return ids.is_eu_vat(pattern_text)


class HashedIdentifierRecognizer(PatternRecognizer):
    """MD5/SHA-1/SHA-256 hex digests in identifier fields: a pseudonym, still personal data."""

    CONTEXT: ClassVar[list[str]] = [
        "id",
        "uid",
        "hash",
        "hashed",
        "mac",
        "device",
        "deviceid",
        "user",
        "userid",
        "pnr",
        "personnummer",
        "person",
        "client",
        "clientid",
        "subscriber",
        "visitor",
        "besökare",
        "sha256",
        "sha1",
        "md5",
        "token",
        "pseudonym",
        "pseudo",
        "anon",
        "anonymous",
        "anonymised",
        "anonymized",
        "imei",
        "imsi",
        "phone",
        "email",
        "plate",
        "regnr",
        "station",
        "bssid",
    ]

    def __init__(self) -> None:
        super().__init__(
            supported_entity="HASHED_IDENTIFIER",
            name="HashedIdentifierRecognizer",
            supported_language=LANGUAGE,
            patterns=[
                Pattern(
                    "hex_digest",
                    r"(?<![0-9A-Za-z])(?:[0-9a-f]{32}|[0-9a-f]{40}|"
                    r"[0-9a-f]{64}|[0-9A-F]{32}|[0-9A-F]{40}|[0-9A-F]{64})"
                    r"(?![0-9A-Za-z])",
                    0.05,
                )
            ],
            context=self.CONTEXT,
            global_regex_flags=CASE_SENSITIVE,
        )

    def invalidate_result(self, pattern_text: str) -> bool:
        return pattern_text.isdigit()


class SchemeUrlRecognizer(PatternRecognizer):
    """URLs with an explicit scheme; Presidio's TLD regex reads e-mail domains as URLs."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="URL",
            name="SchemeUrlRecognizer",
            supported_language=LANGUAGE,
            patterns=[Pattern("url", r"\b(?:https?|mqtts?|coaps?|wss?|ftp)://[^\s\"'<>]+", 0.5)],
            context=["url", "uri", "link", "href", "endpoint", "callback", "webhook"],
        )


STREET_SUFFIXES = (
    "gatan|vägen|gata|väg|stigen|backen|backe|torget|torg|allén|allé|gränd|gränden|platsen|plan|leden|"
    "liden|stråket|esplanaden|kajen|parken|vägen|road|street"
)
_POSTAL_TOWN = r"(?:,? \d{3} ?\d{2} \p{Lu}\p{Ll}+(?: \p{Lu}\p{Ll}+)?)"


class StreetAddressRecognizer(PatternRecognizer):
    """Swedish street and postal addresses: `Storgatan 12B, 411 38 Göteborg`, `lgh 1102`, `c/o`, `Box 123`."""

    def __init__(self) -> None:
        street = rf"(?:\p{{Lu}}\p{{Ll}}+ ){{0,2}}\p{{Lu}}\p{{Ll}}*(?:{STREET_SUFFIXES})"
        super().__init__(
            supported_entity="STREET_ADDRESS",
            name="StreetAddressRecognizer",
            supported_language=LANGUAGE,
            patterns=[
                Pattern(
                    "street",
                    rf"(?:c/o [\p{{L}} .'-]+, )?{street} \d{{1,4}} ?[A-Za-z]?(?![\w])"
                    rf"(?: lgh \d{{4}})?{_POSTAL_TOWN}?",
                    0.6,
                ),
                Pattern("box", rf"\bBox \d{{1,5}}{_POSTAL_TOWN}", 0.6),
            ],
            context=[
                "adress",
                "address",
                "gatuadress",
                "postadress",
                "bostadsadress",
                "installationsadress",
                "hemadress",
                "street",
                "gata",
            ],
            global_regex_flags=CASE_SENSITIVE,
        )


class CustomerIdRecognizer(PatternRecognizer):
    """Customer, card, badge, RFID and meter-point ids: one value that points to one customer, under its key."""

    TOKEN_TYPES = frozenset(
        {"ISO14443", "ISO15693", "eMAID", "KeyCode", "Local", "MacAddress", "Central", "NoAuthorization", "EVCCID"}
    )

    def __init__(self) -> None:
        super().__init__(
            supported_entity="CUSTOMER_ID",
            name="CustomerIdRecognizer",
            supported_language=LANGUAGE,
            patterns=[Pattern("id_value", r"^\s*[A-Za-z0-9-][A-Za-z0-9:_.-]{3,39}\s*$", 0.05)],
            context=[
                "kund",
                "kundnummer",
                "kundnr",
                "customer",
                "customerid",
                "customerno",
                "card",
                "cardid",
                "carduid",
                "kort",
                "kortnummer",
                "kortid",
                "badge",
                "badgeid",
                "rfid",
                "tag",
                "taguid",
                "idtag",
                "idtoken",
                "passerkort",
                "bricka",
                "anlaggningsid",
                "anläggningsid",
                "anlaggnings",
                "anläggnings",
                "meterpoint",
                "meteringpoint",
                "mätpunkt",
                "matpunkt",
                "driver",
                "driverid",
                "emaid",
                "contract",
                "avtalsnummer",
                "medlemsnummer",
                "member",
                "memberid",
                "lastbadge",
            ],
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        text = pattern_text.strip()
        return None if sum(c.isdigit() for c in text) >= 3 else False

    def invalidate_result(self, pattern_text: str) -> bool:
        return pattern_text.strip() in self.TOKEN_TYPES
