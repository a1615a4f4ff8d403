"""Stored probe facts flattened to named strings (`http.server`, `snmp.sys_descr`) that rules match."""

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Protocol

# Only so much of a device-controlled string is matched: rules stay fast on hostile input.
MATCH_LIMIT = 2048

FactBag = dict[str, list[str]]
# Facts that say the same thing under another probe's name, so one rule covers both.
ALIASES = {"nmap.banner": "banner.text"}


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


def facts_from_observations(rows: Iterable[StoredAttempt]) -> FactBag:
    """Every completed attempt's facts, by `probe.field` name."""
    bag: FactBag = {}
    for row in rows:
        if row.status != "completed" or not row.facts:
            continue
        for name, text in flatten(row.probe, row.facts):
            for key in (name, ALIASES.get(name)):
                values = bag.setdefault(key, []) if key else None
                if values is not None and text not in values:
                    values.append(text)
    return bag
