"""Stored probe facts flattened to named strings (`http.server`, `snmp.sys_descr`) that rules match.

Most facts are a probe's fields as they are. Some probes keep name/value pairs in a list, which
flattening would separate; those are also given under their own names:
- `bacnet.<property>`: each readable BACnet device property (`bacnet.vendor_name`, `bacnet.model_name`,
  `bacnet.firmware_revision`, `bacnet.application_software_version`...);
- `mdns.txt.<key>`: each DNS-SD TXT entry of an advertised service (`mdns.txt.model`, `mdns.txt.fw`).
"""

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Protocol

# Only so much of a device-controlled string is matched: rules stay fast on hostile input.
MATCH_LIMIT = 2048
# A device names its own TXT keys and BACnet properties: only so many, and only as fact-name characters.
MAX_NAMED = 32
NAME_LIMIT = 40

FactBag = dict[str, list[str]]
# Facts that say the same thing under another probe's name, so one rule covers both.
ALIASES = {"nmap.banner": "banner.text"}

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NOT_NAME = re.compile(r"[^a-z0-9_]+")


class StoredAttempt(Protocol):
    probe: str
    status: str
    facts: dict[str, Any]


def flatten(prefix: str, value: Any) -> Iterator[tuple[str, str]]:
    """Nested JSON as (dotted name, text) pairs; list items share their parent's name."""
    if isinstance(value, Mapping):
        for key, inner in value.items():
            yield from flatten(f"{prefix}.{key}", inner)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from flatten(prefix, item)
    elif isinstance(value, str) and value:
        yield prefix, value[:MATCH_LIMIT]
    elif isinstance(value, bool | int | float) and not isinstance(value, bool):
        yield prefix, str(value)


def fact_name(text: str) -> str | None:
    """A device-given key as one fact-name part: `firmwareRevision` -> `firmware_revision`, `usb_MDL` -> `usb_mdl`."""
    name = _NOT_NAME.sub("_", _CAMEL.sub("_", text.strip()).lower()).strip("_")
    return name[:NAME_LIMIT] or None


def _bacnet(facts: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    properties = facts.get("properties")
    for item in properties[:MAX_NAMED] if isinstance(properties, list) else ():
        if isinstance(item, Mapping) and item.get("readable") and isinstance(item.get("value"), str):
            name = fact_name(str(item.get("name", "")))
            if name and item["value"].strip():
                yield f"bacnet.{name}", item["value"][:MATCH_LIMIT]


def _mdns(facts: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    services = facts.get("services")
    for service in services if isinstance(services, list) else ():
        txt = service.get("txt") if isinstance(service, Mapping) else None
        for entry in txt[:MAX_NAMED] if isinstance(txt, list) else ():
            key, sep, value = str(entry).partition("=")
            name = fact_name(key)
            if sep and name and value.strip():
                yield f"mdns.txt.{name}", value[:MATCH_LIMIT]


# Probes whose facts hold name/value pairs: each pair also becomes a fact of its own name.
NAMED_PAIRS: dict[str, Callable[[Mapping[str, Any]], Iterator[tuple[str, str]]]] = {
    "bacnet": _bacnet,
    "mdns": _mdns,
}


def facts_of(probe: str, facts: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """One attempt's facts as (name, text): its fields flattened, then any name/value pairs by name."""
    yield from flatten(probe, facts)
    if probe in NAMED_PAIRS:
        yield from NAMED_PAIRS[probe](facts)


def facts_from_observations(rows: Iterable[StoredAttempt]) -> FactBag:
    """Every completed attempt's facts, by `probe.field` name."""
    bag: FactBag = {}
    for row in rows:
        if row.status != "completed" or not row.facts:
            continue
        for name, text in facts_of(row.probe, row.facts):
            for key in (name, ALIASES.get(name)):
                values = bag.setdefault(key, []) if key else None
                if values is not None and text not in values:
                    values.append(text)
    return bag
