"""Split IoT messages (JSON, CBOR, key=value, CSV rows, MQTT topics) into fields with key context."""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import cbor2

from muniscan.privacy.detection.envelopes import device_payload

_KEY_VALUE = re.compile(r"^\s*[\w.\-]+=[^&;\s]*(?:[&;\s]+[\w.\-]+=[^&;\s]*)*[&;\s]*$")
_KEY_VALUE_PAIR = re.compile(r"([\w.\-]+)=([^&;\s]*)")
_CAMEL = re.compile(r"(?<=[a-zåäö])(?=[A-ZÅÄÖ])")
_NON_WORD = re.compile(r"[^0-9a-zåäöéü]+")


@dataclass(frozen=True, slots=True)
class PayloadField:
    """One leaf value, where it sits, and the key words that tell what it is."""

    path: str
    value: str
    context: tuple[str, ...]


@functools.lru_cache(maxsize=4096)
def key_words(key: str) -> tuple[str, ...]:
    """`ownerPhone_no` -> (owner, phone, no, ownerphoneno): tokens plus the squashed key."""
    spaced = _CAMEL.sub(" ", key).lower()
    words = [w for w in _NON_WORD.split(spaced) if w]
    squashed = "".join(words)
    if squashed and squashed not in words:
        words.append(squashed)
    return tuple(words)


def _walk(value: Any, path: str, context: tuple[str, ...], out: list[PayloadField]) -> None:
    """Appends leaves to `out`: a plain recursive function, no generator frame per level."""
    if type(value) is str:  # the common leaf first
        if value:
            out.append(PayloadField(path, value, context))
    elif isinstance(value, dict):
        for key, child in value.items():
            key_text = str(key)
            child_path = f"{path}.{key_text}" if path else key_text
            # Parent key words stay: {"owner": {"name": ...}} is the owner's name.
            _walk(child, child_path, _child_context(context, key_text), out)
    elif isinstance(value, list | tuple):
        for index, child in enumerate(value):
            _walk(child, f"{path}[{index}]", context, out)
    elif isinstance(value, bool) or value is None:
        return
    elif type(value) is int and -100_000 < value < 100_000:
        return  # counters, signal levels, ports: no identifier has fewer than six digits
    elif isinstance(value, bytes):
        out.append(PayloadField(path, value.hex(), context))
    else:
        text = str(value)
        if text:
            out.append(PayloadField(path, text, context))


@functools.lru_cache(maxsize=4096)
def _child_context(context: tuple[str, ...], key: str) -> tuple[str, ...]:
    """The last six parent words plus this key's words; messages repeat their keys."""
    return context[-6:] + key_words(key)


def _decode(payload: bytes) -> Any:
    """Text if UTF-8, else CBOR if it parses, else the bytes as latin-1 text."""
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return cbor2.loads(payload)
    except Exception:
        return payload.decode("latin-1")


def _parse_text(text: str) -> Any:
    stripped = text.strip()
    if stripped[:1] in "{[":
        try:
            return json.loads(stripped)
        except ValueError:
            pass
    if "\n" not in stripped and _KEY_VALUE.match(stripped):
        return dict(_KEY_VALUE_PAIR.findall(stripped))
    if "\n" not in stripped and ("," in stripped or ";" in stripped) and " " not in stripped:
        delimiter = ";" if stripped.count(";") > stripped.count(",") else ","
        row = next(csv.reader(io.StringIO(stripped), delimiter=delimiter), [])
        return _csv_columns(row)
    return stripped


_DEGREES = re.compile(r"-?\d{1,3}\.\d{4,}")


def _csv_columns(row: list[str]) -> dict[str, str]:
    """`col0`, `col1`, ...; two neighbouring cells that form a latitude/longitude pair are named so."""
    names = [f"col{i}" for i in range(len(row))]
    for i in range(len(row) - 1):
        if _DEGREES.fullmatch(row[i]) and _DEGREES.fullmatch(row[i + 1]) and names[i] == f"col{i}":
            lat, lon = float(row[i]), float(row[i + 1])
            if -90 <= lat <= 90 and -180 <= lon <= 180 and (lat, lon) != (0.0, 0.0):
                names[i], names[i + 1] = f"col{i}_lat", f"col{i + 1}_lon"
    return dict(zip(names, row, strict=True))


def topic_fields(topic: str) -> Iterator[PayloadField]:
    """MQTT topic segments; the segment before each one is its key (`users/anna/...`)."""
    return iter(_topic_fields(topic))


@functools.lru_cache(maxsize=4096)
def _topic_fields(topic: str) -> tuple[PayloadField, ...]:
    """Topic fields once per topic: a device publishes to the same few topics all day."""
    segments = topic.split("/")
    return tuple(
        PayloadField(f"topic[{index}]", segment, _topic_context(segments[index - 1] if index else ""))
        for index, segment in enumerate(segments)
        if segment and segment not in ("+", "#")
    )


@functools.lru_cache(maxsize=4096)
def _topic_context(previous: str) -> tuple[str, ...]:
    """The segment before is the key (`users/anna`), unless it is itself a value: an id with digits."""
    if not previous or any(c.isdigit() for c in previous):
        return ("topic",)
    return ("topic", *key_words(previous))


def payload_fields(
    payload: bytes | str | dict | list, topic: str | None = None, network_metadata: bool = False
) -> list[PayloadField]:
    """Every leaf of a message, plus its topic segments; unknown formats become one text field.

    In a known envelope (LoRaWAN network server, OCPP, Sparkplug B, SenML) only the device's own
    data is read, unless `network_metadata` asks for gateways, tenants and radio settings too.
    """
    document: Any = payload
    if isinstance(payload, bytes):
        document = _decode(payload)
    if isinstance(document, str):
        document = _parse_text(document)
    fields = list(_topic_fields(topic)) if topic else []
    if isinstance(document, str):
        if document:
            fields.append(PayloadField("", document, ()))
    else:
        parts = None if network_metadata else device_payload(document)
        if parts is None:
            _walk(document, "", (), fields)
        else:
            for path, part in parts:
                _walk(part, path, (), fields)
    return fields
