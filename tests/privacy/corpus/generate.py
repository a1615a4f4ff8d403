"""Writes corpus.jsonl: labelled municipal IoT messages in real envelope formats (seeded, deterministic).

Run: python tests/privacy/corpus/generate.py   (rewrites corpus.jsonl beside this file)
Labels follow README.md beside this file. Every value is made up here; none comes from a real person.
"""

from __future__ import annotations

import base64
import json
import random
import uuid
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 1414

FIRST = [
    "Anna",
    "Erik",
    "Lars",
    "Karin",
    "Ingrid",
    "Sven",
    "Märta",
    "Åsa",
    "Björn",
    "Linnéa",
    "Tove",
    "Håkan",
    "Sigrid",
    "Oskar",
    "Elsa",
    "Gunnel",
    "Leif",
    "Britt-Marie",
    "Per-Olof",
    "Karl-Johan",
    "Maj-Britt",
    "Aino",
    "Juha",
    "Pirjo",
    "Tuomas",
    "Mohammed",
    "Fatima",
    "Ahmed",
    "Amina",
    "Abdirahman",
    "Hodan",
    "Yasmin",
    "Ali",
    "Reza",
    "Shirin",
    "Dariusz",
    "Agnieszka",
    "Emir",
    "Amra",
    "Minh",
    "Tesfaye",
    "Selam",
    "Hiba",
    "Omar",
    "Zeynep",
    "Mehmet",
    "Ayşe",
    "Goran",
    "Jelena",
    "Priya",
    "Rahul",
    "Wei",
    "Olga",
    "Dmitri",
    "Luis",
    "Yonas",
    "Layla",
    "Samir",
    "Nour",
    "Ibrahim",
    "Saga",
    "Vilgot",
    "Ebba",
    "Noah",
    "Alva",
    "Hampus",
    "Ronja",
    "Idun",
    "Kerstin",
    "Göran",
    "Ulla",
    "Rolf",
    "Solveig",
    "Torbjörn",
    "Aleksandra",
    "Mustafa",
    "Halima",
    "Farhan",
    "Roya",
    "Hussein",
    "Mirsad",
    "Senait",
    "Daniel",
    "Sofia",
    "Ingvar",
    "Bengt",
    "Agneta",
    "Yusuf",
    "Lejla",
]
LAST = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Lindqvist",
    "Bergström",
    "Öberg",
    "Åkesson",
    "Sjöberg",
    "Wallin",
    "Lundgren",
    "Holmberg",
    "Ekström",
    "Nyström",
    "Virtanen",
    "Mäkinen",
    "Korhonen",
    "Hassan",
    "Mohamud",
    "Ahmadi",
    "Rostami",
    "Hosseini",
    "Yilmaz",
    "Demir",
    "Kaya",
    "Kowalski",
    "Nowak",
    "Wiśniewska",
    "Hodžić",
    "Kovačević",
    "Petrović",
    "Nguyen",
    "Tran",
    "Tesfay",
    "Gebremedhin",
    "Haile",
    "Warsame",
    "Abdi",
    "Farah",
    "Osman",
    "Al-Hassan",
    "von Essen",
    "af Klercker",
    "de la Cruz",
    "van der Berg",
    "Jönsson-Ek",
    "Lind-Hassan",
    "Sandberg",
    "Hedlund",
    "Blomqvist",
    "Forsberg",
    "Engström",
    "Jakobsson",
    "Axelsson",
    "Mattsson",
    "Strand",
    "Falk",
    "Dahlberg",
    "Håkansson",
    "Isaksson",
    "Lundin",
    "Mahmoud",
    "Jama",
    "Haddad",
    "Szabo",
    "Popescu",
    "Öztürk",
    "Çelik",
    "Begić",
    "Rahimi",
    "Karimi",
    "Lindholm",
    "Wikström",
    "Norberg",
    "Sundqvist",
]
STREETS = [
    "Storgatan",
    "Kungsgatan",
    "Drottninggatan",
    "Björkvägen",
    "Sveavägen",
    "Östra Hamngatan",
    "Vasagatan",
    "Linnégatan",
    "Tallstigen",
    "Rosenlundsgatan",
    "Solrosvägen",
    "Kvarnbacken",
    "Ekbacksvägen",
    "Skolgatan",
    "Prästgårdsgatan",
    "Lillhagsvägen",
    "Backavägen",
    "Hjalmar Brantingsgatan",
    "Övre Husargatan",
    "Anders Personsgatan",
    "Smörslottsgatan",
    "Friskväderstorget",
    "Vårväderstorget",
    "Ängsvägen",
    "Granstigen",
    "Odinsgatan",
    "Tuvevägen",
    "Munkebäcksgatan",
    "Kärralundsgatan",
    "Lergöksgatan",
]
CITIES = [
    "Göteborg",
    "Hisings Backa",
    "Västra Frölunda",
    "Angered",
    "Mölndal",
    "Kungälv",
    "Partille",
    "Lerum",
    "Hisings Kärra",
    "Torslanda",
    "Askim",
    "Billdal",
    "Stockholm",
    "Farsta",
    "Uppsala",
    "Borås",
]
PLACES = [
    "Central Station north entrance",
    "Centralstationen norra entrén",
    "Brunnsparken hållplats",
    "Kungsportsplatsen",
    "Ullevi Norra",
    "Slottsskogen Villa Belparc",
    "Gustaf Adolfs torg",
    "Carl Johans kyrka",
    "Lilla Bommen",
    "Järntorget östra",
    "Frölunda torg plan 2",
    "Hjalmar Brantingsplatsen",
    "Angered Centrum bibliotek",
    "Saltholmen brygga",
    "Eriksbergshallen",
    "Backaplan P-hus",
    "Korsvägen",
    "Nordstan entré Götgatan",
    "Stora Teatern",
    "Liseberg södra",
    "Majvallen",
    "Kviberg",
    "Lindholmen P-hus",
    "Skatås motionscentrum",
    "Sven Hedins gata pumpstation",
    "Bergsjön simhall",
    "Frihamnen kaj 4",
]
PLATE_LETTERS = "ABCDEFGHJKLMNOPRSTUWXYZ"
RBI = ["35", "86", "01", "99", "49", "52"]
MOBILE_PREFIX = ["070", "072", "073", "076", "079"]
VENDORS = ["Zaptec", "Easee", "ABB", "Kempower", "Alfen", "CTEK", "Garo", "Wallbox"]


def luhn_digit(payload: str) -> str:
    total = 0
    for index, char in enumerate(reversed(payload)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return luhn_digit(number[:-1]) == number[-1]


class Gen:
    """Seeded value factory; every value it hands out is new (the corpus must not repeat itself)."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self.used: set[str] = set()
        self.pairs: set[tuple[str, str]] = set()

    def unique(self, make: Callable[[], str]) -> str:
        for _ in range(1000):
            value = make()
            if value not in self.used:
                self.used.add(value)
                return value
        raise RuntimeError("value space exhausted")

    def person(self) -> tuple[str, str]:
        while True:
            pair = (self.r.choice(FIRST), self.r.choice(LAST))
            if pair not in self.pairs:
                self.pairs.add(pair)
                return pair

    def name(self, style: str | None = None) -> str:
        first, last = self.person()
        style = style or self.r.choice(["plain", "plain", "plain", "comma", "upper", "middle", "lower"])
        if style == "comma":
            return f"{last}, {first}"
        if style == "upper":
            return f"{first} {last}".upper()
        if style == "middle":
            return f"{first} {self.r.choice(FIRST)} {last}"
        if style == "lower":
            return f"{first} {last}".lower()
        return f"{first} {last}"

    def pnr(self, style: str | None = None) -> str:
        def make() -> str:
            year = self.r.randint(1930, 2012)
            month, day = self.r.randint(1, 12), self.r.randint(1, 28)
            if self.r.random() < 0.1:
                day += 60  # samordningsnummer
            body = f"{year % 100:02d}{month:02d}{day:02d}{self.r.randint(100, 999)}"
            ten = body + luhn_digit(body)
            chosen = style or self.r.choice(["dash", "dash", "long", "bare_long", "bare"])
            if chosen == "long":
                return f"{year // 100}{ten[:6]}-{ten[6:]}"
            if chosen == "bare_long":
                return f"{year // 100}{ten}"
            if chosen == "bare":
                if ten.startswith("07"):
                    return f"{ten[:6]}-{ten[6:]}"
                return ten
            return f"{ten[:6]}-{ten[6:]}"

        return self.unique(make)

    def orgnr(self) -> str:
        def make() -> str:
            body = self.r.choice(["556", "559", "212", "802", "716", "969"]) + f"{self.r.randint(0, 999999):06d}"
            ten = body + luhn_digit(body)
            return f"{ten[:6]}-{ten[6:]}" if self.r.random() < 0.7 else ten

        return self.unique(make)

    def phone(self, style: str | None = None) -> str:
        def make() -> str:
            prefix = self.r.choice(MOBILE_PREFIX)
            rest = f"{self.r.randint(0, 9999999):07d}"
            chosen = style or self.r.choice(["bare", "bare", "dash", "intl", "intl_space", "spaced"])
            if chosen == "bare":
                return prefix + rest
            if chosen == "dash":
                return f"{prefix}-{rest[:3]} {rest[3:5]} {rest[5:]}"
            if chosen == "intl":
                return f"+46{prefix[1:]}{rest}"
            if chosen == "intl_space":
                return f"+46 {prefix[1:]} {rest[:3]} {rest[3:5]} {rest[5:]}"
            return f"{prefix} {rest[:3]} {rest[3:5]} {rest[5:]}"

        return self.unique(make)

    def email(self, name: str) -> str:
        parts = [p for p in name.replace(",", "").lower().split() if p.isalpha()][:2] or ["user"]
        table = str.maketrans("åäöéüçşćčšž", "aaoeucsccsz")
        local = ".".join(p.translate(table) for p in parts)
        domain = self.r.choice(["gmail.com", "hotmail.se", "telia.com", "outlook.com", "bredband.net", "yahoo.se"])
        return self.unique(lambda: f"{local}{self.r.randint(1, 99)}@{domain}")

    def plate(self, style: str | None = None) -> str:
        def make() -> str:
            letters = "".join(self.r.choice(PLATE_LETTERS) for _ in range(3))
            last = self.r.choice(PLATE_LETTERS + "0123456789" * 3)
            digits = f"{self.r.randint(0, 99):02d}{last}"
            if digits.startswith("00") and digits[2] == "0":
                digits = "01" + digits[2]
            chosen = style or self.r.choice(["spaced", "compact", "compact", "lower"])
            if chosen == "spaced":
                return f"{letters} {digits}"
            if chosen == "lower":
                return f"{letters}{digits}".lower()
            return f"{letters}{digits}"

        return self.unique(make)

    def imei(self) -> str:
        def make() -> str:
            body = self.r.choice(RBI) + f"{self.r.randint(0, 999999999999):012d}"
            return body + luhn_digit(body)

        return self.unique(make)

    def mac(self, sep: str = ":") -> str:
        def make() -> str:
            octets = [self.r.randint(0, 255) for _ in range(6)]
            octets[0] &= 0xFC
            text = sep.join(f"{o:02x}" for o in octets)
            return text.upper() if self.r.random() < 0.3 else text

        return self.unique(make)

    def hexid(self, length: int, upper: bool = True) -> str:
        digits = "0123456789ABCDEF" if upper else "0123456789abcdef"
        return self.unique(lambda: "".join(self.r.choice(digits) for _ in range(length)))

    def dev_eui(self) -> str:
        prefix = self.r.choice(["70B3D57ED0", "A840410000", "0004A30B00", "24E124136F"])
        return self.unique(lambda: prefix + "".join(self.r.choice("0123456789ABCDEF") for _ in range(6)))

    def gateway_eui(self) -> str:
        return self.unique(lambda: "b827ebfffe" + "".join(self.r.choice("0123456789abcdef") for _ in range(6)))

    def address(self, style: str | None = None) -> str:
        def make() -> str:
            street = self.r.choice(STREETS)
            number = f"{self.r.randint(1, 140)}{self.r.choice(['', '', '', 'A', 'B', 'C'])}"
            postcode = f"{self.r.randint(100, 985)} {self.r.randint(10, 99)}"
            city = self.r.choice(CITIES)
            chosen = style or self.r.choice(["full", "full", "street", "lgh", "co", "box"])
            if chosen == "street":
                return f"{street} {number}"
            if chosen == "lgh":
                return f"{street} {number} lgh {self.r.randint(1001, 1704)}, {postcode} {city}"
            if chosen == "co":
                return f"c/o {self.r.choice(LAST)}, {street} {number}, {postcode} {city}"
            if chosen == "box":
                return f"Box {self.r.randint(12, 9999)}, {postcode} {city}"
            return f"{street} {number}, {postcode} {city}"

        return self.unique(make)

    def coord(self) -> tuple[float, float]:
        return round(self.r.uniform(57.60, 57.80), 6), round(self.r.uniform(11.85, 12.10), 6)

    def ts(self) -> str:
        return self.unique(
            lambda: (
                f"2026-{self.r.randint(3, 9):02d}-{self.r.randint(1, 28):02d}T"
                f"{self.r.randint(0, 23):02d}:{self.r.randint(0, 59):02d}:"
                f"{self.r.randint(0, 59):02d}.{self.r.randint(0, 999999):06d}Z"
            )
        )

    def firmware(self) -> str:
        return self.unique(
            lambda: f"{self.r.randint(1, 12)}.{self.r.randint(0, 40)}.{self.r.randint(0, 99)}.{self.r.randint(1, 250)}"
        )

    def customer_id(self, kind: str) -> str:
        r = self.r
        makers = {
            "customer": lambda: (
                f"{r.choice(['KN', 'K', 'C', ''])}{'-' if r.random() < 0.5 else ''}{r.randint(100000, 99999999)}"
            ),
            "card": lambda: "".join(r.choice("0123456789ABCDEF") for _ in range(r.choice([8, 14]))),
            "badge": lambda: f"{r.choice(['B', 'BADGE', 'P', ''])}{r.randint(10000, 999999)}",
            "rfid": lambda: "E280" + "".join(r.choice("0123456789ABCDEF") for _ in range(20)),
            "meterpoint": lambda: "735999" + f"{r.randint(0, 999999999999):012d}",
        }
        return self.unique(makers[kind])

    def b64(self, size: int) -> str:
        return base64.b64encode(bytes(self.r.randint(0, 255) for _ in range(size))).decode()

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.r.getrandbits(128), version=4))


class Corpus:
    def __init__(self) -> None:
        self.g = Gen(SEED)
        self.rows: list[dict] = []

    def add(
        self,
        fmt: str,
        theme: str,
        payload: object,
        labels: list[tuple[str, str]],
        topic: str | None = None,
        traps: list[str] | None = None,
    ) -> None:
        text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        for entity, value in labels:
            if value not in text and value not in (topic or ""):
                raise AssertionError(f"label {entity}={value!r} not in message {text[:80]!r}")
        self.rows.append(
            {
                "id": f"{fmt}-{len(self.rows) + 1:04d}",
                "format": fmt,
                "theme": theme,
                "topic": topic,
                "payload": text,
                "labels": [{"entity": e, "text": v} for e, v in labels],
                "traps": traps or [],
            }
        )


# --- envelopes -------------------------------------------------------------------------------------------------


def tts_uplink(c: Corpus, device_id: str, decoded: dict, app: str) -> tuple[dict, str]:
    g = c.g
    lat, lon = g.coord()
    dev_eui = g.dev_eui()
    gw = g.gateway_eui()
    message = {
        "end_device_ids": {
            "device_id": device_id,
            "application_ids": {"application_id": app},
            "dev_eui": dev_eui,
            "join_eui": "70B3D57ED0000000" if g.r.random() < 0.5 else "0000000000000000",
            "dev_addr": g.hexid(8),
        },
        "correlation_ids": [f"as:up:01{g.hexid(24)}", f"gs:uplink:01{g.hexid(24)}"],
        "received_at": g.ts(),
        "uplink_message": {
            "session_key_id": g.b64(16),
            "f_port": g.r.choice([1, 2, 10, 85]),
            "f_cnt": g.r.randint(1, 90000),
            "frm_payload": g.b64(g.r.randint(6, 18)),
            "decoded_payload": decoded,
            "rx_metadata": [
                {
                    "gateway_ids": {"gateway_id": g.r.choice(["gw", "eui"]) + "-" + gw, "eui": gw.upper()},
                    "time": g.ts(),
                    "timestamp": g.r.randint(10**8, 4 * 10**9),
                    "rssi": -g.r.randint(40, 120),
                    "channel_rssi": -g.r.randint(40, 120),
                    "snr": round(g.r.uniform(-12, 12), 1),
                    "location": {
                        "latitude": lat,
                        "longitude": lon,
                        "altitude": g.r.randint(5, 80),
                        "source": "SOURCE_REGISTRY",
                    },
                    "uplink_token": g.b64(40),
                    "received_at": g.ts(),
                }
            ],
            "settings": {
                "data_rate": {
                    "lora": {"bandwidth": 125000, "spreading_factor": g.r.randint(7, 12), "coding_rate": "4/5"}
                },
                "frequency": str(g.r.choice([867100000, 867300000, 867500000, 868100000, 868300000, 868500000])),
                "timestamp": g.r.randint(10**8, 4 * 10**9),
            },
            "received_at": g.ts(),
            "consumed_airtime": f"{g.r.uniform(0.04, 1.5):.6f}s",
            "network_ids": {
                "net_id": "000013",
                "ns_id": "EC656E0000000181",
                "tenant_id": g.r.choice(["goteborg-stad", "ttn", "kungalv-kommun", "molndal-energi"]),
                "cluster_id": "eu1",
                "cluster_address": "eu1.cloud.thethings.industries",
            },
        },
    }
    return message, f"v3/{app}@{message['uplink_message']['network_ids']['tenant_id']}/devices/{device_id}/up"


def chirpstack_up(c: Corpus, device_name: str, obj: dict, app: str) -> tuple[dict, str]:
    g = c.g
    app_id = g.uuid()
    dev_eui = g.dev_eui().lower()
    message = {
        "deduplicationId": g.uuid(),
        "time": g.ts(),
        "deviceInfo": {
            "tenantId": g.uuid(),
            "tenantName": g.r.choice(
                ["Göteborgs Stad", "Kretslopp och vatten", "Framtiden Byggutveckling", "ChirpStack"]
            ),
            "applicationId": app_id,
            "applicationName": app,
            "deviceProfileId": g.uuid(),
            "deviceProfileName": g.r.choice(
                ["Elsys ERS", "Milesight AM307", "Abeeway Micro Tracker", "Kamstrup Multical 21", "Xtel people counter"]
            ),
            "deviceName": device_name,
            "devEui": dev_eui,
            "deviceClassEnabled": "CLASS_A",
            "tags": {"site": g.r.choice(PLACES)},
        },
        "devAddr": g.hexid(8, upper=False),
        "adr": True,
        "dr": g.r.randint(0, 5),
        "fCnt": g.r.randint(1, 65000),
        "fPort": g.r.randint(1, 20),
        "confirmed": False,
        "data": g.b64(g.r.randint(6, 16)),
        "object": obj,
        "rxInfo": [
            {
                "gatewayId": g.gateway_eui(),
                "uplinkId": g.r.randint(10**8, 4 * 10**9),
                "nsTime": g.ts(),
                "rssi": -g.r.randint(40, 120),
                "snr": round(g.r.uniform(-12, 12), 1),
                "channel": g.r.randint(0, 7),
                "location": {},
                "context": g.b64(4),
                "metadata": {"region_common_name": "EU868", "region_config_id": "eu868"},
                "crcStatus": "CRC_OK",
            }
        ],
        "txInfo": {
            "frequency": g.r.choice([867100000, 867300000, 868100000, 868300000, 868500000]),
            "modulation": {"lora": {"bandwidth": 125000, "spreadingFactor": g.r.randint(7, 12), "codeRate": "CR_4_5"}},
        },
    }
    return message, f"application/{app_id}/device/{dev_eui}/event/up"


# --- themes: each returns nothing; adds one message -------------------------------------------------------------


def people_counter(c: Corpus, with_pii: bool) -> None:
    g = c.g
    place = g.r.choice(PLACES)
    decoded = {
        "counter_a": g.r.randint(0, 900),
        "counter_b": g.r.randint(0, 900),
        "period_in": g.r.randint(0, 50),
        "period_out": g.r.randint(0, 50),
        "battery": round(g.r.uniform(3.0, 3.6), 3),
        "location": place,
    }
    labels: list[tuple[str, str]] = []
    if with_pii:
        macs = [g.mac() for _ in range(g.r.randint(1, 3))]
        decoded["seen_devices"] = [{"mac": m, "rssi": -g.r.randint(50, 95)} for m in macs]
        labels += [("MAC_ADDRESS", m) for m in macs]
    if g.r.random() < 0.5:
        message, topic = tts_uplink(
            c, f"pc-{place.split()[0].lower()}-{g.r.randint(1, 99):02d}", decoded, "people-counters"
        )
        c.add("tts_v3", "people_counter", message, labels, topic, ["gateway", "devEUI", "frequency", "place"])
    else:
        message, topic = chirpstack_up(c, place, decoded, "Personflöden")
        c.add("chirpstack_v4", "people_counter", message, labels, topic, ["tenant", "gateway", "place"])


def meter(c: Corpus, with_pii: bool) -> None:
    g = c.g
    decoded: dict = {
        "volume_m3": round(g.r.uniform(10, 9000), 3),
        "flow_lph": g.r.randint(0, 1800),
        "meter_serial": f"{g.r.randint(60000000, 69999999)}",
        "alarms": [],
        "fw": g.firmware(),
        "temp_water_c": round(g.r.uniform(4, 22), 1),
    }
    labels: list[tuple[str, str]] = []
    traps = ["meter serial", "firmware"]
    if with_pii:
        point = g.customer_id("meterpoint")
        decoded["anlaggnings_id"] = point
        labels.append(("CUSTOMER_ID", point))
        if g.r.random() < 0.5:
            address = g.address(g.r.choice(["full", "street", "lgh"]))
            decoded["installationsadress"] = address
            labels.append(("STREET_ADDRESS", address))
        if g.r.random() < 0.4:
            customer = g.customer_id("customer")
            decoded["kundnummer"] = customer
            labels.append(("CUSTOMER_ID", customer))
    else:
        decoded["site"] = g.r.choice(PLACES)
    if g.r.random() < 0.5:
        message, topic = tts_uplink(c, f"wm-{g.hexid(6, upper=False)}", decoded, "vattenmatare")
        c.add("tts_v3", "meter", message, labels, topic, traps)
    else:
        message, topic = chirpstack_up(c, f"Vattenmätare {decoded['meter_serial']}", decoded, "Vattenmätare")
        c.add("chirpstack_v4", "meter", message, labels, topic, traps)


def care_alarm(c: Corpus, with_pii: bool) -> None:
    g = c.g
    labels: list[tuple[str, str]] = []
    if with_pii:
        name = g.name()
        lat, lon = g.coord()
        kind = g.r.choice(["senml", "json", "chirp"])
        if kind == "senml":
            imei = g.imei()
            payload = [
                {
                    "bn": f"urn:imei:{imei}:",
                    "bt": g.r.randint(1_780_000_000, 1_790_000_000),
                    "n": "lat",
                    "u": "lat",
                    "v": lat,
                },
                {"n": "lon", "u": "lon", "v": lon},
                {"n": "alarm", "vs": g.r.choice(["fall", "button", "wander"])},
                {"n": "battery", "u": "%EL", "v": g.r.randint(5, 100)},
            ]
            labels = [("IMEI", imei), ("GPS_COORDINATE", str(lat)), ("GPS_COORDINATE", str(lon))]
            c.add("senml", "care_alarm", payload, labels, f"trygghetslarm/{g.hexid(6, upper=False)}/senml")
            return
        payload = {
            "alarm_type": g.r.choice(["fall", "larmknapp", "dörr öppen natt", "ej hemkommen"]),
            "brukare": name,
            "adress": g.address(g.r.choice(["full", "lgh", "co"])),
            "position": {"lat": lat, "lon": lon},
            "ts": g.ts(),
            "unit_fw": g.firmware(),
        }
        labels = [
            ("PERSON", name),
            ("STREET_ADDRESS", payload["adress"]),
            ("GPS_COORDINATE", str(lat)),
            ("GPS_COORDINATE", str(lon)),
        ]
        if g.r.random() < 0.5:
            payload["anhorig_tel"] = g.phone()
            labels.append(("PHONE_NUMBER", payload["anhorig_tel"]))
        if g.r.random() < 0.4:
            payload["personnummer"] = g.pnr()
            labels.append(("SE_PERSONNUMMER", payload["personnummer"]))
        if kind == "chirp":
            message, topic = chirpstack_up(c, f"Trygghetslarm {g.r.randint(100, 999)}", payload, "Trygghetslarm")
            c.add("chirpstack_v4", "care_alarm", message, labels, topic, ["tenant", "firmware"])
        else:
            c.add("json", "care_alarm", payload, labels, f"omsorg/larm/{g.hexid(8, upper=False)}", ["firmware"])
    else:
        payload = {
            "unit": f"TL-{g.hexid(6)}",
            "heartbeat": True,
            "battery_pct": g.r.randint(5, 100),
            "gsm_rssi": -g.r.randint(60, 110),
            "fw": g.firmware(),
            "ts": g.ts(),
            "operator_orgnr": g.orgnr(),
        }
        c.add("json", "care_alarm", payload, [], f"omsorg/heartbeat/{g.hexid(8, upper=False)}", ["orgnr", "firmware"])


def door_log(c: Corpus, with_pii: bool) -> None:
    g = c.g
    door = g.r.choice(["Entré A", "Personalingång", "Förråd 2", "Kök", "Serverrum", "Omklädningsrum"])
    building = g.r.choice(
        ["Hvitfeldtska", "Rådhuset", "Bergsjöskolan", "Kvibergs förskola", "Stadshuset", "Frölunda kulturhus"]
    )
    labels: list[tuple[str, str]] = []
    if with_pii and g.r.random() < 0.5:
        badge = g.customer_id("badge")
        name = g.name(g.r.choice(["comma", "upper", "plain"]))
        payload = {
            "timestamp": g.r.randint(1_780_000_000_000, 1_790_000_000_000),
            "metrics": [
                {"name": "Door/State", "alias": 1, "dataType": "String", "value": g.r.choice(["open", "closed"])},
                {"name": "Door/LastBadge", "alias": 2, "dataType": "String", "value": badge},
                {"name": "Door/LastUser", "alias": 3, "dataType": "String", "value": name},
                {"name": "Properties/FW", "alias": 4, "dataType": "String", "value": g.firmware()},
            ],
            "seq": g.r.randint(0, 255),
        }
        topic = f"spBv1.0/Fastigheter/DDATA/edge-{building.lower().replace(' ', '-')}/door-{g.r.randint(1, 60)}"
        c.add(
            "sparkplug_b",
            "door_log",
            payload,
            [("CUSTOMER_ID", badge), ("PERSON", name)],
            topic,
            ["metric name key", "firmware"],
        )
        return
    if with_pii:
        badge = g.customer_id(g.r.choice(["badge", "rfid", "card"]))
        key = g.r.choice(["badge_id", "rfid", "kortnummer", "tag_uid", "passerkort"])
        fields = {
            "door": door,
            "building": building,
            key: badge,
            "result": g.r.choice(["granted", "denied"]),
            "ts": g.ts(),
        }
        labels.append(("CUSTOMER_ID", badge))
        if g.r.random() < 0.5:
            name = g.name()
            fields[g.r.choice(["holder", "name", "kortinnehavare"])] = name
            labels.append(("PERSON", name))
        if g.r.random() < 0.5:
            text = " ".join(f"{k}={str(v).replace(' ', '_')}" for k, v in fields.items())
            labels = [(e, v.replace(" ", "_")) for e, v in labels]
            c.add("key_value", "door_log", text, labels, f"passage/{building.lower()}", ["place"])
        else:
            c.add("json", "door_log", fields, labels, f"passage/{building.lower()}/events", ["place"])
        return
    payload = {
        "timestamp": g.r.randint(1_780_000_000_000, 1_790_000_000_000),
        "metrics": [
            {"name": "Door/State", "alias": 1, "dataType": "String", "value": g.r.choice(["open", "closed", "forced"])},
            {"name": "Door/Name", "alias": 5, "dataType": "String", "value": f"{building} {door}"},
            {"name": "Properties/Hardware Version", "alias": 6, "dataType": "String", "value": g.firmware()},
            {"name": "Door/OpenCount", "alias": 7, "dataType": "Int32", "value": g.r.randint(0, 99999)},
        ],
        "seq": g.r.randint(0, 255),
    }
    c.add(
        "sparkplug_b",
        "door_log",
        payload,
        [],
        f"spBv1.0/Fastigheter/DDATA/edge-{g.r.randint(1, 30)}/door",
        ["metric name key", "firmware", "place"],
    )


def anpr(c: Corpus, with_pii: bool) -> None:
    g = c.g
    camera = f"cam{g.r.randint(1, 40)}"
    site = g.r.choice(["Lindholmen P-hus", "Backaplan P-hus", "Nordstan", "Heden", "Ullevi", "Frölunda torg"])
    if not with_pii:
        payload = {
            "camera": camera,
            "site": site,
            "vehicles_hour": g.r.randint(0, 400),
            "avg_speed_kmh": round(g.r.uniform(8, 60), 1),
            "fw": g.firmware(),
            "operator": "Parkering Göteborg",
            "orgnr": g.orgnr(),
        }
        c.add("json", "anpr", payload, [], f"anpr/{site.lower().replace(' ', '-')}/stats", ["orgnr", "firmware"])
        return
    plate = g.plate()
    kind = g.r.choice(["csv", "json", "url", "kv"])
    ts = g.ts()
    if kind == "csv":
        row = f"{ts},{plate},{site.replace(' ', '_')},{g.r.choice(['in', 'out'])},{g.r.randint(80, 99)}"
        c.add("csv", "anpr", row, [("SE_LICENCE_PLATE", plate)], f"anpr/{camera}/csv", [])
    elif kind == "url":
        compact = plate.replace(" ", "")
        payload = {
            "event": "read",
            "ts": ts,
            "confidence": round(g.r.uniform(0.7, 0.99), 2),
            "image": f"https://anpr.parkering.example/img/2026/{g.r.randint(1, 12):02d}/{compact}_{camera}.jpg",
        }
        c.add("json", "anpr", payload, [("SE_LICENCE_PLATE", compact)], f"anpr/{camera}/events", [])
    elif kind == "kv":
        text = f"cam={camera} ts={ts} plate={plate.replace(' ', '')} dir=in conf={g.r.randint(80, 99)}"
        c.add("key_value", "anpr", text, [("SE_LICENCE_PLATE", plate.replace(" ", ""))], f"anpr/{camera}", [])
    else:
        payload = {
            "camera": camera,
            "site": site,
            "read": {"text": plate, "country": "S", "confidence": round(g.r.uniform(0.7, 0.99), 2)},
            "ts": ts,
            "lane": g.r.randint(1, 4),
        }
        labels = [("SE_LICENCE_PLATE", plate)]
        if g.r.random() < 0.3:
            payload["permit_holder"] = g.name()
            labels.append(("PERSON", payload["permit_holder"]))
        c.add("json", "anpr", payload, labels, f"anpr/{camera}/reads", [])


def ev_charger(c: Corpus, with_pii: bool) -> None:
    g = c.g
    unique_id = g.uuid() if g.r.random() < 0.5 else str(g.r.randint(100000, 9999999))
    station = f"GBG-{g.r.choice(['HIS', 'CEN', 'ANG', 'FRO', 'MAJ'])}-{g.r.randint(1, 400):04d}"
    if not with_pii:
        kind = g.r.choice(["boot16", "boot201", "meter16", "status"])
        if kind == "boot16":
            body = {
                "chargePointVendor": g.r.choice(VENDORS),
                "chargePointModel": g.r.choice(["Pro", "Home", "Terra AC", "S-series"]),
                "chargePointSerialNumber": f"SN{g.r.randint(10**7, 10**8)}",
                "firmwareVersion": g.firmware(),
                "iccid": "8946" + f"{g.r.randint(0, 10**15):015d}",
                "imsi": "24001" + f"{g.r.randint(0, 10**10):010d}",
                "meterType": "AC",
                "meterSerialNumber": f"M{g.r.randint(10**6, 10**7)}",
            }
            frame = [2, unique_id, "BootNotification", body]
            c.add("ocpp16", "ev_charger", frame, [], f"ocpp/{station}", ["firmware", "imsi of charger", "iccid"])
        elif kind == "boot201":
            body = {
                "chargingStation": {
                    "model": g.r.choice(["Terra AC", "Pro", "Eve Single"]),
                    "vendorName": g.r.choice(VENDORS),
                    "serialNumber": f"{g.hexid(10)}",
                    "firmwareVersion": g.firmware(),
                    "modem": {
                        "iccid": "8946" + f"{g.r.randint(0, 10**15):015d}",
                        "imsi": "24007" + f"{g.r.randint(0, 10**10):010d}",
                    },
                },
                "reason": "PowerUp",
            }
            c.add(
                "ocpp201",
                "ev_charger",
                [2, unique_id, "BootNotification", body],
                [],
                f"ocpp/{station}",
                ["firmware", "imsi of charger"],
            )
        elif kind == "meter16":
            body = {
                "connectorId": g.r.randint(1, 2),
                "transactionId": g.r.randint(1, 10**6),
                "meterValue": [
                    {
                        "timestamp": g.ts(),
                        "sampledValue": [
                            {
                                "value": f"{g.r.uniform(0, 90000):.1f}",
                                "context": "Sample.Periodic",
                                "measurand": "Energy.Active.Import.Register",
                                "unit": "Wh",
                            },
                            {
                                "value": f"{g.r.uniform(0, 32):.2f}",
                                "measurand": "Current.Import",
                                "unit": "A",
                                "phase": "L1",
                            },
                        ],
                    }
                ],
            }
            c.add("ocpp16", "ev_charger", [2, unique_id, "MeterValues", body], [], f"ocpp/{station}", ["counters"])
        else:
            body = {
                "timestamp": g.ts(),
                "connectorStatus": g.r.choice(["Available", "Occupied", "Faulted"]),
                "evseId": g.r.randint(1, 4),
                "connectorId": 1,
            }
            c.add("ocpp201", "ev_charger", [2, unique_id, "StatusNotification", body], [], f"ocpp/{station}", [])
        return
    token = g.customer_id(g.r.choice(["card", "card", "rfid"]))
    kind = g.r.choice(["auth16", "start16", "tx201", "auth201"])
    if kind == "auth16":
        c.add(
            "ocpp16",
            "ev_charger",
            [2, unique_id, "Authorize", {"idTag": token}],
            [("CUSTOMER_ID", token)],
            f"ocpp/{station}",
        )
    elif kind == "start16":
        body = {
            "connectorId": g.r.randint(1, 2),
            "idTag": token,
            "meterStart": g.r.randint(0, 10**6),
            "timestamp": g.ts(),
        }
        c.add(
            "ocpp16",
            "ev_charger",
            [2, unique_id, "StartTransaction", body],
            [("CUSTOMER_ID", token)],
            f"ocpp/{station}",
            ["counters"],
        )
    elif kind == "tx201":
        body = {
            "eventType": "Started",
            "timestamp": g.ts(),
            "triggerReason": "Authorized",
            "seqNo": g.r.randint(0, 20),
            "transactionInfo": {"transactionId": g.uuid(), "chargingState": "EVConnected"},
            "idToken": {"idToken": token, "type": "ISO14443"},
            "evse": {"id": 1, "connectorId": 1},
        }
        c.add(
            "ocpp201",
            "ev_charger",
            [2, unique_id, "TransactionEvent", body],
            [("CUSTOMER_ID", token)],
            f"ocpp/{station}",
            ["transaction uuid"],
        )
    else:
        emaid = g.unique(lambda: f"SE-GBG-C{g.r.randint(10**7, 10**8)}-{g.r.randint(0, 9)}")
        c.add(
            "ocpp201",
            "ev_charger",
            [2, unique_id, "Authorize", {"idToken": {"idToken": emaid, "type": "eMAID"}}],
            [("CUSTOMER_ID", emaid)],
            f"ocpp/{station}",
        )


def card_tap(c: Corpus, with_pii: bool) -> None:
    g = c.g
    stop = g.r.choice(PLACES)
    if not with_pii:
        row = (
            f"{g.ts()};{stop.replace(' ', '_')};{g.r.choice(['vuxen', 'ungdom', 'pensionär'])};"
            f"{g.r.randint(0, 300)};v{g.firmware()}"
        )
        c.add("csv", "card_tap", row, [], f"biljett/validator/{g.r.randint(1, 900)}/summary", ["firmware", "place"])
        return
    card = g.customer_id("card")
    kind = g.r.choice(["csv", "json", "json_name"])
    if kind == "csv":
        ts = g.ts()
        fare = g.r.choice(["vuxen", "ungdom", "pensionär"])
        row = f"{ts};{stop.replace(' ', '_')};{card};{fare};{g.r.randint(1, 9)}"
        c.add("csv", "card_tap", row, [("CUSTOMER_ID", card)], f"biljett/validator/{g.r.randint(1, 900)}/taps")
        return
    payload = {
        "validator": f"V{g.r.randint(1000, 9999)}",
        "stop": stop,
        "card_uid": card,
        "fare_type": g.r.choice(["vuxen", "ungdom", "pensionär"]),
        "ts": g.ts(),
    }
    labels = [("CUSTOMER_ID", card)]
    if kind == "json_name":
        payload["kortinnehavare"] = g.name()
        payload["kund_epost"] = g.email(payload["kortinnehavare"])
        labels += [("PERSON", payload["kortinnehavare"]), ("EMAIL_ADDRESS", payload["kund_epost"])]
    c.add("json", "card_tap", payload, labels, f"biljett/validator/{payload['validator']}/tap", ["place"])


def vehicle_gps(c: Corpus, with_pii: bool) -> None:
    g = c.g
    lat, lon = g.coord()
    if not with_pii:
        payload = {
            "route": g.r.choice(["16", "55", "Röd express", "Blå express"]),
            "vehicles_active": g.r.randint(1, 30),
            "avg_delay_s": g.r.randint(0, 600),
            "depot": g.r.choice(["Ringön", "Gårda", "Sisjön"]),
        }
        c.add("json", "vehicle_gps", payload, [], "fordon/statistik", [])
        return
    imei = g.imei()
    kind = g.r.choice(["csv", "json", "tts"])
    if kind == "csv":
        row = f"{imei},{lat},{lon},{g.r.randint(0, 90)},{g.ts()}"
        c.add(
            "csv",
            "vehicle_gps",
            row,
            [("IMEI", imei), ("GPS_COORDINATE", str(lat)), ("GPS_COORDINATE", str(lon))],
            f"fordon/{g.hexid(4, upper=False)}/pos",
        )
        return
    if kind == "tts":
        decoded = {
            "latitude": lat,
            "longitude": lon,
            "speed_kmh": g.r.randint(0, 90),
            "heading": g.r.randint(0, 359),
            "driver_id": g.customer_id("badge"),
        }
        message, topic = tts_uplink(c, f"hemtjanst-bil-{g.r.randint(1, 80)}", decoded, "fordon")
        c.add(
            "tts_v3",
            "vehicle_gps",
            message,
            [("GPS_COORDINATE", str(lat)), ("GPS_COORDINATE", str(lon)), ("CUSTOMER_ID", decoded["driver_id"])],
            topic,
            ["gateway location"],
        )
        return
    plate = g.plate()
    payload = {"tracker": imei, "vehicle": plate, "pos": f"{lat},{lon}", "ignition": True, "ts": g.ts()}
    labels = [
        ("IMEI", imei),
        ("SE_LICENCE_PLATE", plate),
        ("GPS_COORDINATE", f"{lat},{lon}"),
        ("SE_LICENCE_PLATE", plate.replace(" ", "").lower()),
    ]  # the topic names the vehicle too
    if g.r.random() < 0.5:
        payload["driver"] = g.name()
        labels.append(("PERSON", payload["driver"]))
    c.add("json", "vehicle_gps", payload, labels, f"fordon/{plate.replace(' ', '').lower()}/gps")


def environment(c: Corpus) -> None:
    """No personal data: climate, air quality, waste bins, street lights (plain, SenML, ChirpStack)."""
    g = c.g
    kind = g.r.choice(["senml", "chirp", "kv", "tts"])
    if kind == "senml":
        eui64 = g.hexid(16, upper=False)
        payload = [
            {
                "bn": f"urn:dev:mac:{eui64}:",
                "bt": g.r.randint(1_780_000_000, 1_790_000_000),
                "n": "temperature",
                "u": "Cel",
                "v": round(g.r.uniform(-10, 30), 2),
            },
            {"n": "humidity", "u": "%RH", "v": round(g.r.uniform(20, 95), 1)},
            {"n": "co2", "u": "ppm", "v": g.r.randint(400, 2000)},
        ]
        c.add("senml", "environment", payload, [], f"miljo/{eui64}/senml", ["EUI-64 in bn"])
    elif kind == "chirp":
        obj = {
            "fill_level_pct": g.r.randint(0, 100),
            "temperature": round(g.r.uniform(-10, 30), 1),
            "tilt_alarm": False,
            "fw_version": g.firmware(),
        }
        message, topic = chirpstack_up(c, g.r.choice(PLACES), obj, "Avfallskärl")
        c.add("chirpstack_v4", "environment", message, [], topic, ["tenant", "gateway", "firmware", "place"])
    elif kind == "kv":
        text = (
            f"node=lamp-{g.r.randint(1, 9999)} dim={g.r.randint(0, 100)} power_w={g.r.randint(0, 150)} "
            f"fw={g.firmware()} freq_hz=868300000 uptime={g.r.randint(0, 10**7)}"
        )
        c.add("key_value", "environment", text, [], f"gatubelysning/{g.r.randint(1, 99)}", ["firmware", "frequency"])
    else:
        decoded = {
            "pm25": round(g.r.uniform(1, 60), 1),
            "pm10": round(g.r.uniform(1, 90), 1),
            "no2": round(g.r.uniform(1, 80), 1),
            "station": g.r.choice(PLACES),
        }
        message, topic = tts_uplink(c, f"aq-{g.hexid(4, upper=False)}", decoded, "luftkvalitet")
        c.add("tts_v3", "environment", message, [], topic, ["gateway", "devEUI", "frequency", "place"])


def citizen_report(c: Corpus, with_pii: bool) -> None:
    g = c.g
    if not with_pii:
        place = g.r.choice(PLACES)
        texts = [
            f"Gatlampen vid {place} har varit släckt sedan i tisdags, ärende {g.r.randint(10000, 99999)}.",
            f"The ticket machine at {place} rejects cards again (firmware {g.firmware()} per the screen).",
            f"Papperskorgen vid {place} är full, senast tömd för {g.r.randint(2, 9)} dagar sedan.",
            f"Hålet i cykelbanan mellan {place} och {g.r.choice(PLACES)} har blivit större.",
            f"Laddstolpe {g.r.randint(1, 40)} vid {place} visar fel E{g.r.randint(10, 99)}, leverantör "
            f"{g.r.choice(VENDORS)} AB org.nr {g.orgnr()}.",
        ]
        c.add("text", "citizen_report", g.r.choice(texts), [], None, ["place", "orgnr", "firmware"])
        return
    name = g.name(g.r.choice(["plain", "plain", "upper", "middle", "comma"]))
    phone = g.phone()
    address = g.address(g.r.choice(["full", "street", "co", "box", "lgh"]))
    place = g.r.choice(PLACES)
    options = [
        (
            f"Hej! Lampan utanför {address} är trasig. Mvh {name}, {phone}",
            [("STREET_ADDRESS", address), ("PERSON", name), ("PHONE_NUMBER", phone)],
        ),
        (f"Anmälare: {name}. Tel {phone}. Nedskräpning vid {place}.", [("PERSON", name), ("PHONE_NUMBER", phone)]),
        (f"Report from {name} ({g.email(name)}): the bin at {place} is overflowing. Reply to {address}.", None),
        (
            f"Min pappa {name} bor på {address} och hans trygghetslarm har inte fungerat sedan i går. Ring mig på "
            f"{phone}.",
            [("PERSON", name), ("STREET_ADDRESS", address), ("PHONE_NUMBER", phone)],
        ),
        (f"Bil med regnummer {g.plate()} står parkerad på cykelbanan vid {place} varje dag. /{name}", None),
        (f"Jag heter {name}, personnummer {g.pnr()}, och vill ha utdrag ur registret för min passerbricka.", None),
    ]
    text, labels = g.r.choice(options)
    if labels is None:
        labels = [("PERSON", name)]
        for word in text.replace("(", " ").replace(")", " ").replace(":", " ").split():
            if "@" in word:
                labels.append(("EMAIL_ADDRESS", word))
        if "Reply to" in text:
            labels.append(("STREET_ADDRESS", address))
        if "regnummer" in text:
            plate = text.split("regnummer ")[1].split(" står")[0]
            labels.append(("SE_LICENCE_PLATE", plate))
        if "personnummer" in text:
            labels.append(("SE_PERSONNUMMER", text.split("personnummer ")[1].split(",")[0]))
    c.add("text", "citizen_report", text, labels, None, ["place"])


def crm_export(c: Corpus, with_pii: bool) -> None:
    """Rows from the service desk and the energy company (phone vs personnummer, orgnr, IBAN)."""
    g = c.g
    if not with_pii:
        row = {
            "leverantor": g.r.choice(VENDORS) + " AB",
            "orgnr": g.orgnr(),
            "avtal": f"AV-{g.r.randint(1000, 9999)}",
            "gateway_id": g.gateway_eui(),
            "tenant_id": g.uuid(),
            "firmware_version": g.firmware(),
            "kanal_mhz": g.r.choice(["868.1", "868.3", "868.5", "867.1"]),
        }
        c.add("json", "crm_export", row, [], "system/inventarie", ["orgnr", "gateway", "tenant", "firmware"])
        return
    name = g.name(g.r.choice(["plain", "comma", "upper"]))
    row = {
        "kund": name,
        "kundnummer": g.customer_id("customer"),
        "mobil": g.phone(g.r.choice(["bare", "bare", "intl"])),
        "pnr": g.pnr(),
        "adress": g.address(g.r.choice(["full", "co", "box", "lgh"])),
        "betalande_foretag_orgnr": g.orgnr(),
    }
    labels = [
        ("PERSON", name),
        ("CUSTOMER_ID", row["kundnummer"]),
        ("PHONE_NUMBER", row["mobil"]),
        ("SE_PERSONNUMMER", row["pnr"]),
        ("STREET_ADDRESS", row["adress"]),
    ]
    if g.r.random() < 0.4:
        row["iban"] = g.unique(lambda: iban_se(g.r))
        labels.append(("IBAN_CODE", row["iban"]))
    if g.r.random() < 0.5:
        row["epost"] = g.email(name)
        labels.append(("EMAIL_ADDRESS", row["epost"]))
    if g.r.random() < 0.5:
        c.add("json", "crm_export", row, labels, "kundtjanst/export", ["orgnr"])
    else:
        first, last = g.person()
        row2 = {
            "förnamn": first,
            "efternamn": last,
            "telefon": g.phone("bare"),
            "ip": f"81.{g.r.randint(0, 255)}.{g.r.randint(0, 255)}.{g.r.randint(1, 254)}",
            "portal_fw": g.firmware(),
        }
        labels2 = [("PERSON", first), ("PERSON", last), ("PHONE_NUMBER", row2["telefon"]), ("IP_ADDRESS", row2["ip"])]
        c.add("json", "crm_export", row2, labels2, "minasidor/inloggning", ["firmware"])


def iban_se(r: random.Random) -> str:
    bank = r.choice(["500", "600", "800", "300"])
    account = f"{r.randint(0, 10**17 - 1):017d}"
    base = bank + account + "281400"  # S=28 E=14, 00
    check = 98 - int(base) % 97
    return f"SE{check:02d}{bank}{account}"


THEMES_PII = [
    people_counter,
    meter,
    care_alarm,
    door_log,
    anpr,
    ev_charger,
    card_tap,
    vehicle_gps,
    citizen_report,
    crm_export,
]
THEMES_CLEAN = [
    people_counter,
    meter,
    care_alarm,
    door_log,
    anpr,
    ev_charger,
    card_tap,
    vehicle_gps,
    citizen_report,
    crm_export,
]


def build() -> list[dict]:
    corpus = Corpus()
    for _ in range(29):
        for theme in THEMES_PII:
            theme(corpus, True)
    for _ in range(12):
        for theme in THEMES_CLEAN:
            theme(corpus, False)
    for _ in range(40):
        environment(corpus)
    return corpus.rows


def main() -> None:
    rows = build()
    with (HERE / "corpus.jsonl").open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    clean = sum(1 for row in rows if not row["labels"])
    print(f"{len(rows)} messages, {clean} without personal data, {sum(len(row['labels']) for row in rows)} labels")


if __name__ == "__main__":
    main()
