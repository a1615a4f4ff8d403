"""Checksum and format validators for Swedish/EU identifiers, shared by recognizers and reversal."""

from __future__ import annotations

import datetime as dt
import functools
import re

from stdnum import imsi as stdnum_imsi
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


def luhn_check_digit(payload: str) -> str:
    """The Luhn digit that completes `payload` (personnummer, IMEI, card numbers)."""
    return luhn.calc_check_digit(payload)


def _birth_date_ok(century: int | None, yymmdd: str, separator: str) -> bool:
    """Calendar check; day+60 marks a samordningsnummer, `+` means 100 years or older."""
    year2, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    if day > 60:
        day -= 60
    # Without a century any one that gives a real date will do: 29 Feb needs a leap year.
    candidates = [1800 + year2, 1900 + year2, 2000 + year2] if century is None else [
        century * 100 + year2]
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
    return luhn.is_valid(yymmdd + tail)


def is_samordningsnummer(text: str) -> bool:
    """Coordination number: a personnummer whose day is 61-91."""
    ten = digits_of(text)[-10:]
    return is_personnummer(text) and int(ten[4:6]) > 60


def is_organisationsnummer(text: str) -> bool:
    """Legal-entity number: 10 digits, Luhn, third digit >= 2 (never a birth month)."""
    digits = digits_of(text)
    if len(digits) == 12 and digits.startswith("16"):
        digits = digits[2:]
    return len(digits) == 10 and int(digits[2]) >= 2 and stdnum_orgnr.is_valid(digits)


def is_imei(text: str) -> bool:
    """15-digit IMEI with Luhn check digit (TAC + serial + check)."""
    digits = digits_of(text)
    return len(digits) == 15 and luhn.is_valid(digits)


def is_imsi(text: str) -> bool:
    """14-15 digit IMSI whose MCC/MNC is in the ITU list shipped with python-stdnum."""
    digits = digits_of(text)
    return len(digits) in (14, 15) and _imsi_prefix_known(digits[:6], len(digits))


@functools.lru_cache(maxsize=8192)
def _imsi_prefix_known(prefix: str, length: int) -> bool:
    # Validity depends only on MCC+MNC (at most six digits) and length; numdb lookups are slow.
    return bool(stdnum_imsi.is_valid(prefix + "0" * (length - len(prefix))))


def is_swedish_plate(text: str) -> bool:
    """ABC 123 or ABC 12A (2019-); I, Q, V never used; serial 000 does not exist."""
    compact = text.replace(" ", "").replace("-", "")
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
