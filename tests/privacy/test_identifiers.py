"""Identifier validators against public test vectors (Presidio SE tests, python-stdnum doctests)."""

import pytest

from muniscan.privacy.detection import identifiers as ids

# presidio-analyzer tests/test_se_personnummer_recognizer.py + python-stdnum se.personnummer doctest
PERSONNUMMER_VALID = [
    "189004119807",
    "189110089811",
    "191005059801",
    "198712202384",
    "871220-2384",
    "199109242397",
    "19910924-2397",
    "199201232387",
    "9201232387",
    "200109022392",
    "201109252385",
    "20110925-2385",
    "199003052397",
    "880320-0016",
    "670919-9530",
    "811228-9874",
    "8803200420",
    "121212-1212",
    "121212+1212",
    "811288-9871",
]  # last: samordningsnummer (day 28+60)
PERSONNUMMER_INVALID = [
    "19000309-3393",
    "19001309-2393",
    "200504422381",
    "189x09179809",
    "18970c17-9809",
    "880320-0018",
    "8899200425",
    "811228-9875",
    "811228-0006",
]  # serial 000 does not exist


@pytest.mark.parametrize("value", PERSONNUMMER_VALID)
def test_personnummer_accepted(value):
    assert ids.is_personnummer(value)


@pytest.mark.parametrize("value", PERSONNUMMER_INVALID)
def test_personnummer_rejected(value):
    assert not ids.is_personnummer(value)


def test_samordningsnummer_is_flagged():
    assert ids.is_samordningsnummer("811288-9871")
    assert not ids.is_samordningsnummer("811228-9874")


@pytest.mark.parametrize(
    "value, valid",
    [
        ("212000-0142", True),
        ("2120000142", True),
        ("556703-7485", True),
        ("5567037485", True),
        ("811228-9874", False),  # a personnummer: third digit is a month digit (0/1)
        ("556703-7486", False),
    ],
)
def test_organisationsnummer(value, valid):
    assert ids.is_organisationsnummer(value) is valid


@pytest.mark.parametrize(
    "value, valid",
    [
        ("35686800-004141-8", True),
        ("356868000041418", True),
        ("35-417803-685978-1", False),
        ("490154203237518", True),
        ("490154203237519", False),
    ],
)
def test_imei_luhn(value, valid):
    assert ids.is_imei(value) is valid


@pytest.mark.parametrize(
    "value, valid",
    [
        ("429011234567890", True),  # python-stdnum doctest
        ("439011234567890", False),  # unknown MCC
        ("240011234567890", True),  # Sweden, Telia
    ],
)
def test_imsi_mcc(value, valid):
    assert ids.is_imsi(value) is valid


@pytest.mark.parametrize(
    "value, hex12",
    [
        ("D0-50-99-84-A2-A0", "d0509984a2a0"),
        ("a4:5e:60:12:34:56", "a45e60123456"),
        ("a45e.6012.3456", "a45e60123456"),
        ("A45E60123456", "a45e60123456"),
        ("00:00:00:00:00:00", None),
        ("ff:ff:ff:ff:ff:ff", None),
        ("a4:5e:60", None),
    ],
)
def test_mac_notations(value, hex12):
    assert ids.mac_hex(value) == hex12


def test_randomised_mac_bit():
    assert ids.mac_is_randomised("da5e60123456")  # 0xda has the U/L bit
    assert not ids.mac_is_randomised("a45e60123456")


@pytest.mark.parametrize(
    "value, valid",
    [
        ("ABC 123", True),
        ("ABC123", True),
        ("ABC 12A", True),
        ("XYZ 999", True),
        ("ABI 123", False),  # I is never used
        ("QBC 123", False),
        ("ABV 123", False),
        ("ABC 000", False),
        ("AB 1234", False),
    ],
)
def test_swedish_plates(value, valid):
    """Plates are personal data: the vehicle register (public) names the keeper."""
    assert ids.is_swedish_plate(value) is valid


@pytest.mark.parametrize(
    "value, valid",
    [
        ("SE556703748501", True),
        ("DE136695976", True),
        ("SE556703748502", False),
        ("XX123", False),
    ],
)
def test_eu_vat(value, valid):
    assert ids.is_eu_vat(value) is valid


def test_coordinate_ranges():
    assert ids.in_sweden_wgs84(59.3293, 18.0686)
    assert not ids.in_sweden_wgs84(48.85, 2.35)
    assert ids.is_sweref99tm_pair(6_580_825, 674_649)  # Stockholm
    assert not ids.is_sweref99tm_pair(5_000_000, 674_649)
