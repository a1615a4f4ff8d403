"""Timestamp and coordinate precision: how finely a release lets records be linked in time/space."""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_DECIMAL = re.compile(r"-?\d{1,3}\.(\d+)")
LATITUDE_NAMES = {"lat", "latitude", "breddgrad", "y_wgs84"}
LONGITUDE_NAMES = {"lon", "lng", "long", "longitude", "längdgrad", "x_wgs84"}
TIME_UNITS_MS = (("day", 86_400_000), ("hour", 3_600_000), ("minute", 60_000), ("second", 1000))
TIMESTAMP_MAJORITY = 0.9  # share of the non-missing sampled values that must parse for a column to be timestamps


@dataclass(frozen=True)
class TimestampResolution:
    """The finest unit of a timestamp column, judged on the values that parse; `unparsed` did not."""

    unit: str
    parsed: int
    unparsed: int


def _without_offset(chars: np.ndarray) -> np.ndarray:
    """Code points with a trailing `Z`, `+HH:MM`, `+HHMM` or `+HH` blanked: times stay as the clock showed them."""
    rows = np.arange(len(chars))
    length = (chars != 0).sum(axis=1)
    at = lambda back: chars[rows, np.maximum(length - back, 0)]  # noqa: E731
    sign = lambda back: (at(back) == ord("+")) | (at(back) == ord("-"))  # noqa: E731
    timed = length > 16  # "YYYY-MM-DDTHH:MM" and more, so a '-' here is no date separator
    cut = np.where(at(1) == ord("Z"), 1, 0)
    cut = np.where(timed & (cut == 0) & sign(6) & (at(3) == ord(":")), 6, cut)
    cut = np.where(timed & (cut == 0) & sign(5), 5, cut)
    cut = np.where(timed & (cut == 0) & sign(3), 3, cut)
    chars[np.arange(chars.shape[1]) >= (length - cut)[:, None]] = 0
    return chars


def iso_milliseconds(values: Sequence[str | None]) -> np.ndarray:
    """ISO-8601 values as milliseconds of the wall clock as written (an offset is ignored); NaN where
    missing or unparseable. Vectorised, so one dirty value costs nothing but its own NaN."""
    texts = np.array(["" if v is None else v for v in values], dtype=str)
    n, width = len(texts), texts.dtype.itemsize // 4
    out = np.full(n, np.nan)
    if n == 0 or width < 10:
        return out
    chars = texts.view(np.uint32).reshape(n, width).copy()
    digit = (chars >= ord("0")) & (chars <= ord("9"))
    dated = digit[:, [0, 1, 2, 3, 5, 6, 8, 9]].all(axis=1) & (chars[:, 4] == ord("-")) & (chars[:, 7] == ord("-"))
    if not dated.any():
        return out
    cleaned = _without_offset(chars[dated]).view(f"<U{width}").reshape(-1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parsed = cleaned.astype("datetime64[ms]")
        except ValueError:
            parsed = np.array([_datetime_or_nat(str(t)) for t in cleaned], dtype="datetime64[ms]")
    ms = parsed.astype(np.int64).astype(float)
    ms[np.isnat(parsed)] = np.nan
    out[dated] = ms
    return out


def _datetime_or_nat(text: str) -> np.datetime64:
    try:
        return np.datetime64(text, "ms")
    except ValueError:
        return np.datetime64("NaT", "ms")


def time_unit(ms: np.ndarray) -> str:
    """The finest unit the times use: day, hour, minute, second or subsecond (millisecond digits)."""
    whole = ms.astype(np.int64)
    for unit, width in TIME_UNITS_MS:
        if not np.any(whole % width):
            return unit
    return "subsecond"


def timestamp_resolution(
    values: Sequence[str | None], majority: float = TIMESTAMP_MAJORITY
) -> TimestampResolution | None:
    """Finest unit present in ISO-8601 values, or None unless at least `majority` of the non-missing
    values parse: a few dirty cells must not hide a column's resolution, a text column must not get one."""
    ms = iso_milliseconds(values)
    parsed = ms[np.isfinite(ms)]
    present = sum(v is not None for v in values)
    if not len(parsed) or len(parsed) < majority * present:
        return None
    return TimestampResolution(time_unit(parsed), len(parsed), present - len(parsed))


def coordinate_precision_metres(values: Sequence[str | None], latitude: float = 60.0) -> float | None:
    """Ground resolution (m) of the most precise decimal-degree value, longitude scaled at 60° N."""
    decimals = [len(m.group(1)) for v in values if v and (m := _DECIMAL.fullmatch(v.strip()))]
    if not decimals:
        return None
    return 111_320 * math.cos(math.radians(latitude)) / 10 ** max(decimals)
