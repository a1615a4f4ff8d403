"""Checksum and format validators for Swedish/EU identifiers, shared by recognizers and reversal."""

from __future__ import annotations

import datetime as dt
import functools
import re

from stdnum import luhn
from stdnum.eu import vat as stdnum_eu_vat
from stdnum.se import orgnr as stdnum_orgnr

_NON_DIGITS = re.compile(r"\D")
_NON_HEX = re.compile(r"[^0-9a-fA-F]")

# Swedish plates use 23 letters: A-Z without I, Q, V (Transportstyrelsen).
PLATE_LETTERS = "ABCDEFGHJKLMNOPRSTUWXYZ"


def digits_of(text: str) -> str:
    """Digits only; separators in identifiers vary (`-`, `+`, spaces)."""
    return _NON_DIGITS.sub("", text)


_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)
_ASCII_DIGITS = frozenset("0123456789")


def luhn_ok(number: str) -> bool:
    """stdnum's luhn.is_valid, table-driven for ASCII digit strings (the hot path of detection)."""
    if not number or not _ASCII_DIGITS.issuperset(number):
        return bool(luhn.is_valid(number))
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = ord(char) - 48
        total += _DOUBLED[digit] if index & 1 else digit
    return total % 10 == 0


def luhn_check_digit(payload: str) -> str:
    """The Luhn digit that completes `payload` (personnummer, IMEI, card numbers)."""
    return luhn.calc_check_digit(payload)


def _birth_date_ok(century: int | None, yymmdd: str, separator: str) -> bool:
    """Calendar check; day+60 marks a samordningsnummer, `+` means 100 years or older."""
    year2, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    if day > 60:
        day -= 60
    # Without a century any one that gives a real date will do: 29 Feb needs a leap year.
    candidates = [1800 + year2, 1900 + year2, 2000 + year2] if century is None else [century * 100 + year2]
    for year in candidates:
        try:
            dt.date(year, month, day)
            return True
        except ValueError:
            continue
    return False


def is_personnummer(text: str) -> bool:
    """Personnummer or samordningsnummer in any form: YYMMDD-NNNC, +, 12 digits, no separator."""
    match = re.fullmatch(r"\s*((?:18|19|20)?)(\d{6})\s?([-+]?)\s?(\d{4})\s*", text)
    if not match:
        return False
    century_text, yymmdd, separator, tail = match.groups()
    if tail[:3] == "000":
        return False
    century = int(century_text) if century_text else None
    if not _birth_date_ok(century, yymmdd, separator):
        return False
    return luhn_ok(yymmdd + tail)


_BARE_MOBILE = re.compile(r"\s*07[02369]\d{7}\s*")


def looks_like_mobile(text: str) -> bool:
    """`0701031981`: a Swedish mobile number written without separators; also a possible 2007 birth date."""
    return _BARE_MOBILE.fullmatch(text) is not None


def is_samordningsnummer(text: str) -> bool:
    """Coordination number: a personnummer whose day is 61-91."""
    ten = digits_of(text)[-10:]
    return is_personnummer(text) and int(ten[4:6]) > 60


def is_organisationsnummer(text: str) -> bool:
    """Legal-entity number: 10 digits, Luhn, group digit 1-9 (a `07x` mobile is not one), third digit >= 2."""
    digits = digits_of(text)
    if len(digits) == 12 and digits.startswith("16"):
        digits = digits[2:]
    return len(digits) == 10 and digits[0] != "0" and int(digits[2]) >= 2 and stdnum_orgnr.is_valid(digits)


def is_imei(text: str) -> bool:
    """15-digit IMEI with Luhn check digit (TAC + serial + check)."""
    digits = digits_of(text)
    return len(digits) == 15 and luhn_ok(digits)


# GSMA reporting bodies that allocate TACs (first two digits of an IMEI) in use today.
IMEI_REPORTING_BODIES = frozenset(
    {"01", "10", "30", "33", "35", "44", "45", "49", "50", "51", "52", "53", "54", "86", "91", "98", "99"}
)


def imei_tac_plausible(text: str) -> bool:
    """A 15-digit number whose TAC starts with a reporting-body code: with Luhn, an IMEI even without a key."""
    digits = digits_of(text)
    return len(digits) == 15 and digits[:2] in IMEI_REPORTING_BODIES


def could_be_payment_card(text: str) -> bool:
    """Card numbers of 15 digits are American Express (34, 37) or UATP (1): a Luhn-valid 15-digit
    number starting otherwise is an IMEI or a serial, not a card."""
    digits = digits_of(text)
    return len(digits) != 15 or digits.startswith(("34", "37", "1"))


def is_imsi(text: str) -> bool:
    """14-15 digit IMSI whose MCC/MNC is in the ITU list shipped with python-stdnum."""
    digits = digits_of(text)
    return len(digits) in (14, 15) and any(digits[:length] in known for length, known in _imsi_country_codes())


@functools.cache
def _imsi_country_codes() -> tuple[tuple[int, frozenset[str]], ...]:
    """The first-level (MCC) prefixes of stdnum's IMSI table, expanded once into sets.

    stdnum.imsi.is_valid accepts a 14-15 digit number exactly when its leading digits match one
    of these (the rest always forms a second part); its linear numdb scan is the slow part.
    """
    from stdnum import numdb

    by_length: dict[int, set[str]] = {}
    for length, low, high, _props, _children in numdb.get("imsi").prefixes:
        by_length.setdefault(length, set()).update(str(n).zfill(length) for n in range(int(low), int(high) + 1))
    return tuple((length, frozenset(codes)) for length, codes in sorted(by_length.items()))


def is_swedish_plate(text: str) -> bool:
    """ABC 123 or ABC 12A (2019-); I, Q, V never used; serial 000 does not exist."""
    compact = text.replace(" ", "").replace("-", "").upper()
    if not re.fullmatch(rf"[{PLATE_LETTERS}]{{3}}\d{{2}}[{PLATE_LETTERS}\d]", compact):
        return False
    return compact[3:6] != "000"


def mac_hex(text: str) -> str | None:
    """12 lowercase hex digits of an EUI-48 in any notation, or None."""
    hex_only = _NON_HEX.sub("", text).lower()
    if len(hex_only) != 12 or hex_only in ("000000000000", "ffffffffffff"):
        return None
    return hex_only


def mac_is_randomised(hex12: str) -> bool:
    """Locally administered bit set: not enumerable by vendor prefix, still linkable."""
    return bool(int(hex12[:2], 16) & 0x02)


def is_eu_vat(text: str) -> bool:
    """EU VAT number with the member state's checksum (python-stdnum)."""
    return bool(stdnum_eu_vat.is_valid(text))


def in_sweden_wgs84(lat: float, lon: float) -> bool:
    """WGS84 bounding box of Sweden (EPSG:4619 area of use)."""
    return 54.96 <= lat <= 69.07 and 10.03 <= lon <= 24.17


def is_wgs84_pair(lat: float, lon: float) -> bool:
    """A plausible latitude/longitude pair anywhere; 0,0 is a placeholder, not a place."""
    return -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0 and (lat, lon) != (0.0, 0.0)


def is_sweref99tm_pair(northing: float, easting: float) -> bool:
    """SWEREF 99 TM (EPSG:3006) metres on Swedish land: N 6.13-7.67e6, E 0.27-0.92e6."""
    return 6_130_000 <= northing <= 7_670_000 and 265_000 <= easting <= 925_000


def decimal_places(number_text: str) -> int:
    """Digits after the decimal point: the precision the publisher kept."""
    return len(number_text.split(".", 1)[1]) if "." in number_text else 0
