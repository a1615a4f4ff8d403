"""Given an IoT message, when scanned, then these personal-data findings (masked) appear."""

import hashlib
import json
import os
import socket
import stat

import pytest

from muniscan.privacy.detection.custom_recognizers import RecognizerConfigError, load_recognizer_file
from muniscan.privacy.detection.detector import PersonalDataDetector
from muniscan.privacy.detection.installation_key import keyed_hash, load_or_create_key
from muniscan.privacy.detection.payloads import payload_fields
from muniscan.privacy.detection.synthetic import messages

POSITIVE = [
    # (payload, topic, category, field)
    ('{"email": "anna.svensson@example.se"}', None, "EMAIL_ADDRESS", "email"),
    ('{"phone": "070-123 45 67"}', None, "PHONE_NUMBER", "phone"),
    ('{"tel": "+47 22 22 22 22"}', None, "PHONE_NUMBER", "tel"),  # Norwegian, international
    ('{"ip": "10.0.0.7"}', None, "IP_ADDRESS", "ip"),
    ('{"src": "2001:db8::1"}', None, "IP_ADDRESS", "src"),
    ('{"iban": "SE4550000000058398257466"}', None, "IBAN_CODE", "iban"),
    ('{"card": "4111 1111 1111 1111"}', None, "CREDIT_CARD", "card"),
    ('{"pan": "378282246310005"}', None, "CREDIT_CARD", "pan"),  # American Express, 15 digits
    ('{"callback": "https://example.se/u?id=7"}', None, "URL", "callback"),
    ('{"pnr": "811228-9874"}', None, "SE_PERSONNUMMER", "pnr"),
    ('{"note": "born 19811228-9874"}', None, "SE_PERSONNUMMER", "note"),
    ('{"id": "198112289874"}', None, "SE_PERSONNUMMER", "id"),
    ('{"x": "811288-9871"}', None, "SE_PERSONNUMMER", "x"),  # samordningsnummer
    ('{"orgnr": "556703-7485"}', None, "SE_ORGANISATIONSNUMMER", "orgnr"),
    ('{"plate": "ABC 12A"}', None, "SE_LICENCE_PLATE", "plate"),
    ('{"mac": "a4:5e:60:12:34:56"}', None, "MAC_ADDRESS", "mac"),
    ('{"device": "A4-5E-60-12-34-56"}', None, "MAC_ADDRESS", "device"),
    ('{"hw": "a45e.6012.3456"}', None, "MAC_ADDRESS", "hw"),
    ('{"client_mac": "A45E60123456"}', None, "MAC_ADDRESS", "client_mac"),  # bare, key says mac
    ('{"imei": "356868000041418"}', None, "IMEI", "imei"),
    ('{"imsi": "240011234567890"}', None, "IMSI", "imsi"),
    ('{"pos": "59.3293, 18.0686"}', None, "GPS_COORDINATE", "pos"),
    ('{"lat": 59.329312}', None, "GPS_COORDINATE", "lat"),
    ('{"sweref": "6580825, 674649"}', None, "GPS_COORDINATE", "sweref"),
    ('{"vat": "SE556703748501"}', None, "EU_VAT", "vat"),
    (
        '{"visitor_id": "' + hashlib.sha256(b"a4:5e:60:12:34:56").hexdigest() + '"}',
        None,
        "HASHED_IDENTIFIER",
        "visitor_id",
    ),
    ('{"resident": "Karl-Johan Lindqvist"}', None, "PERSON", "resident"),
    ('{"msg": "Anna Svensson checked in"}', None, "PERSON", "msg"),
    ('{"owner": "erik"}', None, "PERSON", "owner"),
    ("mac=A45E60123456&rssi=-70", None, "MAC_ADDRESS", "mac"),
    ("dev-1,811228-9874,21.5", None, "SE_PERSONNUMMER", "col1"),
    ("{}", "users/anna.svensson@example.se/loc", "EMAIL_ADDRESS", "topic[1]"),
    ("{}", "city/wifi/a4:5e:60:12:34:56/probe", "MAC_ADDRESS", "topic[2]"),
    ('{"note": "Mvh Lindqvist, Maja"}', None, "PERSON", "note"),  # Last, First
    ('{"msg": "KARIN ÖBERG ringde"}', None, "PERSON", "msg"),  # upper case
    ('{"msg": "Oskar van der Berg anmälde"}', None, "PERSON", "msg"),  # particle
    ('{"text": "Mvh Hodan Warsame"}', None, "PERSON", "text"),  # names after a cue
    ('{"name": "Amina Farah"}', None, "PERSON", "name"),
    ('{"adress": "Storgatan 12B, 411 38 Göteborg"}', None, "STREET_ADDRESS", "adress"),
    ('{"to": "c/o Hassan, Björkvägen 7, 123 45 Farsta"}', None, "STREET_ADDRESS", "to"),
    ('{"to": "Box 1234, 411 04 Göteborg"}', None, "STREET_ADDRESS", "to"),
    ('{"kundnummer": "KN-4821937"}', None, "CUSTOMER_ID", "kundnummer"),
    ('[2, "19223201", "Authorize", {"idTag": "04A2B3C4D5E6F7"}]', None, "CUSTOMER_ID", "Authorize.idTag"),
    (
        '{"DevEUI_uplink": {"DevEUI": "0018B2000000AB13", "payload": {"resident": "Karin Öberg"}}}',
        None,
        "PERSON",
        "DevEUI_uplink.payload.resident",
    ),
    (
        '{"applicationID": "7", "devEUI": "AAQ6CwAcBTA=", "rxInfo": [], '
        '"objectJSON": "{\\"brukare\\": \\"Ali Osman\\"}"}',
        None,
        "PERSON",
        "objectJSON.brukare",
    ),
    ('{"anlaggnings_id": "735999100012345678"}', None, "CUSTOMER_ID", "anlaggnings_id"),
    ("356868000041418,57.70,11.97", None, "IMEI", "col0"),  # IMEI in a CSV column
    ('{"image": "https://anpr.example/img/ABC123_cam4.jpg"}', None, "SE_LICENCE_PLATE", "image"),
    ("cam=4 plate=abc123", None, "SE_LICENCE_PLATE", "plate"),
    ('{"msg": "ring 0737186034"}', None, "PHONE_NUMBER", "msg"),  # Luhn-valid 07x is a mobile
    ('{"mobil": "0701031981"}', None, "PHONE_NUMBER", "mobil"),  # also a valid 2007 pnr
    ('{"pnr": "0701031981"}', None, "SE_PERSONNUMMER", "pnr"),  # ... which the key decides
    (
        '{"timestamp": 1, "metrics": [{"name": "Door/LastBadge", "value": "B-203911"}]}',
        None,
        "CUSTOMER_ID",
        "metrics[0].Door/LastBadge",
    ),
    ('[{"bn": "urn:imei:490154203237518:", "n": "lat", "v": 57.7}]', None, "IMEI", "[0].bn.imei"),
]

NEGATIVE = [
    # (payload, categories that must not appear)
    ('{"temp": 21.5, "status": "ok", "fw": "2.4.1"}', None),
    ('{"pnr": "811228-9875"}', {"SE_PERSONNUMMER"}),  # Luhn fails
    ('{"ts": "2026-01-24T03:43:00Z"}', None),  # timestamps are not phones
    ('{"lat": 59.329312}', {"PHONE_NUMBER"}),
    ('{"serial": "A45E60123456"}', {"MAC_ADDRESS"}),  # bare hex without a MAC key
    ('{"ssid": "Storm"}', {"PERSON"}),  # lone surname, wrong key
    ('{"location": "Hall"}', {"PERSON"}),
    ('{"hostname": "erik"}', {"PERSON"}),  # whole-word context only
    ('{"checksum": "' + "ab" * 16 + '"}', {"HASHED_IDENTIFIER"}),  # digest, but not an id field
    ('{"imei": "356868000041413"}', {"IMEI"}),  # Luhn fails
    ('{"imei": "356868000041418"}', {"CREDIT_CARD"}),  # Luhn-valid, but no card has 15 digits and 35
    ('{"mac": "00:00:00:00:00:00"}', {"MAC_ADDRESS"}),
    ('{"plate": "ABI 123"}', {"SE_LICENCE_PLATE"}),
    ('{"text": "mail me at example.se"}', {"URL", "EMAIL_ADDRESS"}),
    ('{"firmwareVersion": "10.2.0.15"}', {"IP_ADDRESS"}),  # four-part version
    ('{"mobil": "0701031981"}', {"SE_PERSONNUMMER"}),
    ('{"note": "firmware 4.12.3.7 installed"}', {"IP_ADDRESS"}),
    ('{"name": "Central Station north entrance"}', {"PERSON"}),  # a place under `name`
    ('{"stop": "Gustaf Adolfs torg"}', {"PERSON"}),
    ('{"msg": "Lampan vid Carl Johans kyrka"}', {"PERSON"}),
    ('{"timestamp": 1, "metrics": [{"name": "Door/Name", "value": "Stadshuset Entré A"}]}', {"PERSON"}),
    ('{"meter_serial": "60123456", "counter": 123456}', None),
    (
        '{"end_device_ids": {"device_id": "pc-12", "dev_eui": "70B3D57ED005A1B2"}, "uplink_message": {"f_cnt": 4,'
        ' "decoded_payload": {"in": 3}, "rx_metadata": [{"gateway_ids": {"gateway_id": "gw-b827ebfffe6c1a2b"},'
        ' "location": {"latitude": 57.706712, "longitude": 11.936773}}], "settings": {"frequency": "868100000"},'
        ' "network_ids": {"tenant_id": "goteborg-stad"}}}',
        None,
    ),  # LoRaWAN network metadata
    (
        '{"DevEUI_uplink": {"DevEUI": "0018B2000000AB12", "LrrLAT": "57.706712", "LrrLON": "11.936773",'
        ' "CustomerID": "1100000123", "CustomerData": {"tags": ["site=Kviberg"], "name": "Kviberg pump"},'
        ' "payload": {"level_cm": 41.5}}}',
        None,
    ),  # ThingPark network metadata
    (
        '{"app_id": "vatten", "dev_id": "wm-1", "hardware_serial": "0004A30B001C0530", "payload_fields":'
        ' {"flow": 3.2}, "metadata": {"gateways": [{"gtw_id": "eui-b827ebfffe6c1a2b", "latitude": 57.70671,'
        ' "longitude": 11.93677}]}}',
        None,
    ),  # The Things Network v2
    (
        '{"applicationID": "7", "applicationName": "vatten", "deviceName": "wm-7", "devEUI": "AAQ6CwAcBTA=",'
        ' "rxInfo": [{"gatewayID": "uCfr//5sGis=", "name": "stadshuset-tak", "location": {"latitude": 57.70671,'
        ' "longitude": 11.93677}}], "objectJSON": "{\\"flow\\": 3.2}"}',
        None,
    ),  # ChirpStack v3
    (
        '{"gatewayId": "b827ebfffe6c1a2b", "ip": "10.12.0.7", "configVersion": "2.1.0.4", "location":'
        ' {"latitude": 57.70671, "longitude": 11.93677}, "rxPacketsReceived": 12}',
        None,
    ),  # gateway statistics
    (
        '[2, "4711", "BootNotification", {"chargePointVendor": "Garo", "firmwareVersion": "1.2.3.4",'
        ' "imsi": "240011234567890"}]',
        None,
    ),  # the charger's own data
]


def test_organisation_numbers_are_found_but_not_personal(detector) -> None:
    from muniscan.privacy.detection.detector import is_personal_category

    found = {d.category for d in detector.scan_message('{"orgnr": "556703-7485"}')}
    assert found == {"SE_ORGANISATIONSNUMMER"} and not is_personal_category("SE_ORGANISATIONSNUMMER")


def test_network_metadata_is_scanned_when_asked(detector) -> None:
    message = (
        '{"end_device_ids": {"device_id": "x"}, "uplink_message": {"decoded_payload": {},'
        ' "rx_metadata": [{"location": {"latitude": 57.706712, "longitude": 11.936773}}]}}'
    )
    assert not payload_fields(message)
    assert {f.path for f in payload_fields(message, network_metadata=True)} >= {
        "uplink_message.rx_metadata[0].location.latitude"
    }
    everything = PersonalDataDetector(key=b"k" * 32, network_metadata=True)
    assert {d.category for d in everything.scan_message(message)} == {"GPS_COORDINATE"}


@pytest.mark.parametrize("payload, topic, category, field", POSITIVE)
def test_detects(detector, payload, topic, category, field):
    found = {(d.category, d.field) for d in detector.scan_message(payload, topic)}
    assert (category, field) in found


@pytest.mark.parametrize("payload, forbidden", NEGATIVE)
def test_does_not_detect(detector, payload, forbidden):
    categories = {d.category for d in detector.scan_message(payload)}
    assert not categories & forbidden if forbidden else not categories


def test_cbor_payload(detector):
    cbor2 = pytest.importorskip("cbor2")
    payload = cbor2.dumps({"mac": "a4:5e:60:12:34:56", "rssi": -70, "raw": b"\xff\x00"})
    assert "MAC_ADDRESS" in {d.category for d in detector.scan_message(payload)}


@pytest.mark.parametrize(
    "category, value, masked",
    [
        ("MAC_ADDRESS", '{"mac": "A4-5E-60-12-34-56"}', "a4:5e:60:**:**:**"),
        ("SE_PERSONNUMMER", '{"pnr": "19811228-9841"}', None),
        ("EMAIL_ADDRESS", '{"email": "anna@example.se"}', "a***@example.se"),
    ],
)
def test_evidence_is_masked_and_keyed(detector, category, value, masked):
    detection = next(d for d in detector.scan_message(value) if d.category == category)
    stored = json.dumps(detection.to_dict())
    raw = json.loads(value).popitem()[1]
    assert raw not in stored
    if masked:
        assert detection.masked == masked
    assert len(detection.keyed_hash) == 64


def test_personnummer_mask_keeps_century_and_last_two(detector):
    detection = detector.scan_message('{"pnr": "198112289874"}')[0]
    assert detection.masked == "19******-**74"


def test_keyed_hash_matches_across_notations(detector):
    a = detector.scan_message('{"mac": "A4-5E-60-12-34-56"}')[0]
    b = detector.scan_message('{"mac": "a4:5e:60:12:34:56"}')[0]
    assert a.keyed_hash == b.keyed_hash
    # An unkeyed SHA-256 of the MAC would be reversible (Västerås 2015, Enschede 2021):
    assert a.keyed_hash != hashlib.sha256(b"a45e60123456").hexdigest()


def test_installation_key_file_is_private(tmp_path, monkeypatch):
    monkeypatch.setenv("MUNISCAN_HOME", str(tmp_path / "home"))
    key = load_or_create_key()
    path = tmp_path / "home" / "secret.key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_or_create_key() == key and len(key) == 32
    assert keyed_hash("x", key) != keyed_hash("x", b"other" * 8)


def test_routed_engine_has_the_same_findings_as_every_recognizer_on_every_field(detector):
    """Prefilters and routing may only skip work, never findings."""
    for payload, topic in messages(600, seed=11):
        for field in payload_fields(payload, topic):
            fast = sorted(
                (r.entity_type, r.start, r.end, round(r.score, 6))
                for r in detector.analyze_field(field.value, field.context)
            )
            full = sorted(
                (r.entity_type, r.start, r.end, round(r.score, 6))
                for r in detector.reference_analyze_field(field.value, field.context)
            )
            assert fast == full, field


def test_scanning_makes_no_network_calls(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    detector = PersonalDataDetector(key=b"k" * 32)
    found = detector.scan_message('{"email": "nils.holm@example.org"}')
    assert found[0].category == "EMAIL_ADDRESS"


def test_custom_yaml_recognizer(tmp_path, muniscan_home):
    folder = tmp_path / "recognizers"
    folder.mkdir()
    (folder / "meters.yaml").write_text(
        "recognizers:\n"
        "  - name: MeterIdRecognizer\n"
        "    entity: METER_ID\n"
        "    patterns:\n"
        "      - {name: meter, regex: '\\bMTR-\\d{8}\\b', score: 0.6}\n"
        "    context: [meter]\n"
        "    deny_list: [Storgatan 1]\n",
        encoding="utf-8",
    )
    detector = PersonalDataDetector(custom_recognizer_dir=folder, key=b"k" * 32)
    found = {d.category for d in detector.scan_message('{"m": "MTR-12345678", "a": "Storgatan 1"}')}
    assert "METER_ID" in found and "DENY_LIST" not in found


@pytest.mark.parametrize(
    "body, expected",
    [
        (
            "recognizers:\n  - name: X\n    entity: lower\n    patterns: []\n",
            ":3: recognizers[0].entity: must be UPPER_SNAKE_CASE",
        ),
        (
            "recognizers:\n  - name: X\n    entity: X_ID\n    patterns:\n      - {name: p, regex: '([', score: 0.5}\n",
            ":5: recognizers[0].patterns[0].regex: invalid regex",
        ),
        (
            "recognizers:\n  - name: X\n    entity: X_ID\n    patterns:\n      - {name: p, regex: 'a', score: 3}\n",
            ":5: recognizers[0].patterns[0].score: must be a number in (0, 1]",
        ),
        (
            "recognizers:\n  - name: X\n    entity: X_ID\n    colour: red\n    deny_list: [a]\n",
            ":2: recognizers[0]: unknown field(s) ['colour']",
        ),
        ("nothing: here\n", ":1: recognizers: top-level key is required"),
    ],
)
def test_custom_yaml_errors_name_file_line_and_field(tmp_path, body, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(RecognizerConfigError) as error:
        load_recognizer_file(path)
    assert str(error.value).startswith(str(path)) and expected in str(error.value)


def test_a_custom_recognizer_file_with_a_repeated_key_is_refused_with_its_line(tmp_path):
    path = tmp_path / "twice.yaml"
    path.write_text(
        "recognizers:\n  - name: X\n    entity: X_ID\n    entity: Y_ID\n    deny_list: [a]\n", encoding="utf-8"
    )
    with pytest.raises(RecognizerConfigError, match=r"twice\.yaml:4: key 'entity' repeated \(first at line 3\)"):
        load_recognizer_file(path)
