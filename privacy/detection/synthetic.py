"""Seeded synthetic IoT messages with planted identifiers, for benchmarks, parity tests and labs."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator

from muniscan.privacy.detection.identifiers import PLATE_LETTERS, luhn_check_digit

FIRST = ["Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Saga", "Hugo", "Astrid", "Nils"]
LAST = ["Svensson", "Andersson", "Nilsson", "Lindqvist", "Berg", "Johansson", "Ek", "Holm"]
OUIS = ["a4:5e:60", "b8:27:eb", "24:0a:c4", "3c:71:bf", "dc:a6:32"]


def personnummer(rng: random.Random, twelve: bool = False) -> str:
    """A checksum-valid personnummer (born 1940-2009), 10- or 12-digit form."""
    year = rng.randint(1940, 2009)
    body = f"{year % 100:02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(1, 999):03d}"
    number = body + luhn_check_digit(body)
    prefix = str(year // 100) if twelve else ""
    return f"{prefix}{number[:6]}-{number[6:]}"


def imei(rng: random.Random) -> str:
    body = "35" + "".join(str(rng.randint(0, 9)) for _ in range(12))
    return body + luhn_check_digit(body)


def mac(rng: random.Random) -> str:
    return rng.choice(OUIS) + "".join(f":{rng.randint(0, 255):02x}" for _ in range(3))


def plate(rng: random.Random) -> str:
    letters = "".join(rng.choice(PLATE_LETTERS) for _ in range(3))
    last = rng.choice(PLATE_LETTERS + "123456789")
    return f"{letters} {rng.randint(0, 9)}{rng.randint(1, 9)}{last}"


def mobile(rng: random.Random) -> str:
    return f"+46 7{rng.choice('02369')} {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"


def message(rng: random.Random, index: int) -> tuple[str, str]:
    """One (payload, topic) pair; about half the device kinds carry personal data."""
    kind = index % 6
    ts = f"2026-01-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z"
    device = f"dev-{rng.randint(1, 400)}"
    body: dict[str, object]
    if kind == 0:
        body = {"sensor": device, "mac": mac(rng), "rssi": -rng.randint(30, 90), "ts": ts}
        topic = f"city/wifi-counter/{device}/probe"
    elif kind == 1:
        body = {
            "bay": rng.randint(1, 300),
            "plate": plate(rng),
            "occupied": True,
            "lat": round(59.3 + rng.random() / 10, 6),
            "lon": round(18.0 + rng.random() / 10, 6),
            "ts": ts,
        }
        topic = f"city/parking/{device}/event"
    elif kind == 2:
        body = {
            "alarm": device,
            "resident": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "pnr": personnummer(rng, rng.random() < 0.5),
            "phone": mobile(rng),
            "ts": ts,
            "battery": rng.randint(1, 100),
        }
        topic = f"care/alarm/{device}"
    elif kind == 3:
        body = {
            "lamp": device,
            "power_w": round(rng.uniform(10, 90), 1),
            "temp": 21.5,
            "status": rng.choice(["ok", "dim", "fault"]),
            "fw": "2.4.1",
            "ts": ts,
        }
        topic = f"city/light/{device}/state"
    elif kind == 4:
        visitor = hashlib.sha256(mac(rng).encode()).hexdigest()
        body = {"zone": f"z{rng.randint(1, 40)}", "visitor_id": visitor, "dwell_s": rng.randint(1, 900), "ts": ts}
        topic = "city/footfall/hashes"
    else:
        body = {
            "modem": device,
            "imei": imei(rng),
            "ip": f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
            "contact": f"{rng.choice(FIRST).lower()}.{rng.choice(LAST).lower()}@example.se",
            "iban": "SE4550000000058398257466",
            "ts": ts,
        }
        topic = f"city/modem/{device}/status"
    return json.dumps(body, ensure_ascii=False), topic


def messages(count: int, seed: int = 7) -> Iterator[tuple[str, str]]:
    """`count` messages, reproducible from `seed`."""
    rng = random.Random(seed)
    for index in range(count):
        yield message(rng, index)
