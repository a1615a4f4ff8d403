"""Timestamp and coordinate precision: how finely a release lets records be linked in time/space."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(\.\d+)?)?)?)?")
_DECIMAL = re.compile(r"-?\d{1,3}\.(\d+)")
LATITUDE_NAMES = {"lat", "latitude", "breddgrad", "y_wgs84"}
LONGITUDE_NAMES = {"lon", "lng", "long", "longitude", "längdgrad", "x_wgs84"}


def timestamp_resolution(values: Sequence[str | None]) -> str | None:
    """Finest unit present in ISO-8601 values: subsecond, second, minute, hour or day."""
    finest = None
    rank = {"day": 0, "hour": 1, "minute": 2, "second": 3, "subsecond": 4}
    parsed_any = False
    for value in values:
        if value is None:
            continue
        match = _ISO.fullmatch(value.strip().rstrip("Z").split("+")[0])
        if not match:
            return None
        parsed_any = True
        hour, minute, second, fraction = match.groups()
        unit = ("subsecond" if fraction else "second" if second and second != "00" else
                "minute" if minute and minute != "00" else "hour" if hour and hour != "00" else "day")
        if finest is None or rank[unit] > rank[finest]:
            finest = unit
    return finest if parsed_any else None


def coordinate_precision_metres(values: Sequence[str | None], latitude: float = 60.0) -> float | None:
    """Ground resolution (m) of the most precise decimal-degree value, longitude scaled at 60° N."""
    decimals = [len(m.group(1)) for v in values if v and (m := _DECIMAL.fullmatch(v.strip()))]
    if not decimals:
        return None
    return 111_320 * math.cos(math.radians(latitude)) / 10 ** max(decimals)
