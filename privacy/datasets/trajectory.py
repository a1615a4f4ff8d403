"""Trajectory uniqueness ("unicity"): how many pseudonyms a few known points of their trace single out.

de Montjoye et al., "Unique in the Crowd" (Sci. Rep. 3:1376, 2013): with hourly times and antenna-level
places, 4 random points of a person's trace single out ~95 % of 1.5 M people, and coarsening helps only
slowly. A persistent pseudonym (hashed MAC, card or device id) turns events into traces, so a file of
events is judged by this measure rather than by k-anonymity on its columns.

For each level (the data's own resolution and coarser ones) a trace is the set of distinct points
(place, time bin) of one pseudonym. For p = 1..4, each sampled pseudonym with at least p points gets p
points drawn at random from its trace; it is singled out when no other trace holds all p. Times are
read as ISO-8601 wall-clock time (an offset is ignored, so hour and day bins are the publisher's own)
or as epoch seconds/milliseconds.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from muniscan.privacy.datasets.anonymity import combine, encode
from muniscan.privacy.datasets.precision import (
    LATITUDE_NAMES,
    LONGITUDE_NAMES,
    TIME_UNITS_MS,
    coordinate_precision_metres,
    iso_milliseconds,
    time_unit,
)
from muniscan.privacy.datasets.table import Table, parse_numbers
from muniscan.privacy.detection.payloads import key_words

MAX_POINTS = 4
DEFAULT_SAMPLE = 10_000
DEFAULT_SEED = 2013
METRES_PER_DEGREE = 111_320.0
GRID_METRES = (100, 1000)
TIME_BINS_MS = {"hour": 3_600_000, "day": 86_400_000}
_UNIT_MS = dict(TIME_UNITS_MS)
_DENSE_MEMBERSHIP_CELLS = 1 << 26  # users x points below this: a bool table beats binary search
_ROUND_BUDGET = 4_000_000  # candidate checks per vectorised round (bounds memory)
_EPOCH = re.compile(r"\d{9,13}(?:\.\d+)?")
PSEUDONYM_HINTS = {
    "id",
    "uid",
    "uuid",
    "device",
    "deviceid",
    "card",
    "cardid",
    "kort",
    "kortnummer",
    "token",
    "pseudonym",
    "pseudo",
    "user",
    "userid",
    "visitor",
    "client",
    "mac",
    "hash",
    "vehicle",
    "fordon",
    "person",
    "subject",
    "tag",
    "imei",
    "imsi",
    "msisdn",
    "plate",
    "regnr",
    "traveller",
    "passenger",
    "resenar",
    "resenär",
    "member",
    "customer",
    "kund",
}
PLACE_HINTS = {
    "zone",
    "zon",
    "sensor",
    "sensorid",
    "station",
    "stationid",
    "antenna",
    "cell",
    "cellid",
    "location",
    "loc",
    "place",
    "plats",
    "site",
    "area",
    "omrade",
    "område",
    "gate",
    "stop",
    "hallplats",
    "hållplats",
    "reader",
    "ap",
    "bssid",
    "camera",
    "kamera",
    "room",
    "rum",
    "street",
    "gata",
    "lane",
    "entrance",
    "node",
    "beacon",
    "grid",
    "geohash",
    "h3",
    "tile",
    "counter",
    "raknare",
    "räknare",
}
TIME_HINTS = {
    "ts",
    "time",
    "timestamp",
    "datetime",
    "tid",
    "tidpunkt",
    "tidsstampel",
    "tidsstämpel",
    "date",
    "datum",
    "seen",
    "observed",
    "start",
    "epoch",
    "at",
}
NOT_PSEUDONYM_CATEGORIES = {"GPS_COORDINATE", "URL"}


@dataclass(frozen=True)
class PointsUnicity:
    """Pseudonyms singled out by `points` random points of their own trace."""

    points: int
    evaluated: int
    singled_out: int
    share: float | None


@dataclass(frozen=True)
class TraceLevel:
    """One resolution of time and place, with the unicity it leaves."""

    time: str
    place: str
    coarsened: bool
    distinct_points: int
    median_points_per_pseudonym: float
    unicity: list[PointsUnicity]

    @property
    def label(self) -> str:
        return f"time {self.time}, place {self.place}"

    @property
    def worst_share(self) -> float:
        return max((u.share for u in self.unicity if u.share is not None), default=0.0)


@dataclass(frozen=True)
class TrajectoryReport:
    """Unicity of the pseudonyms' traces at each tested level, and what was dropped on the way."""

    pseudonym: str
    time: str | None
    place: list[str]
    events: int
    events_used: int
    pseudonyms: int
    pseudonyms_sampled: int
    unusable: dict[str, int]
    levels: list[TraceLevel]
    threshold: float
    suggestion: str | None
    seed: int

    @property
    def as_given(self) -> TraceLevel | None:
        return self.levels[0] if self.levels else None

    @property
    def unique(self) -> bool:
        """True when, at the data's own resolution, more traces are singled out than the threshold allows."""
        level = self.as_given
        return level is not None and level.worst_share > self.threshold

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TraceColumns:
    """Which columns carry the pseudonym, the time and the place of an event."""

    pseudonym: str
    time: str | None
    place: list[str]


# --- parsing -------------------------------------------------------------------------------------


def looks_like_epoch(values: Sequence[str | None]) -> bool:
    """Most sampled values are 9-13 digit numbers (Unix time in seconds or milliseconds)."""
    sample = [v for v in values[:1000] if v is not None]
    return bool(sample) and sum(bool(_EPOCH.fullmatch(v)) for v in sample) >= 0.9 * len(sample)


def parse_times(values: Sequence[str | None], epoch: bool | None = None) -> np.ndarray:
    """Milliseconds per value (NaN = missing or unparseable): ISO-8601, or epoch seconds/milliseconds."""
    if epoch is None:
        epoch = looks_like_epoch(values)
    if epoch:
        numbers = parse_numbers(values)
        return np.where(numbers < 1e11, numbers * 1000.0, numbers)
    return iso_milliseconds(values)


# --- column detection ----------------------------------------------------------------------------


def _words(column: str) -> set[str]:
    return set(key_words(column))


def _repeats(values: Sequence[str | None], max_share: float) -> bool:
    """At least two distinct values, some value recurring, and no more distinct values than max_share of rows."""
    present = [v for v in values if v is not None]
    distinct = len(set(present))
    return 2 <= distinct < len(present) and distinct <= max_share * len(present)


def find_time_column(table: Table, exclude: set[str]) -> str | None:
    """The finest-resolution column whose values mostly parse as times (epoch only under a time-like name)."""
    best: tuple[int, str] | None = None
    for column in table.names:
        if column in exclude:
            continue
        values = table.columns[column]
        epoch = bool(_words(column) & TIME_HINTS) and looks_like_epoch(values)
        ms = parse_times(values[:2000], epoch=epoch)
        ms = ms[np.isfinite(ms)]
        present = sum(v is not None for v in values[:2000])
        if not present or len(ms) < 0.9 * present:
            continue
        fineness = _UNIT_MS.get(time_unit(ms), 1)
        if best is None or fineness < best[0]:
            best = (fineness, column)
    return best[1] if best else None


def find_place_columns(table: Table, exclude: set[str]) -> list[str]:
    """A latitude/longitude pair if named so, else the first zone/sensor/station-like column."""
    names = [c for c in table.names if c not in exclude]
    latitude = next((c for c in names if _words(c) & LATITUDE_NAMES), None)
    longitude = next((c for c in names if _words(c) & LONGITUDE_NAMES), None)
    if latitude and longitude:
        return [latitude, longitude]
    zone = next((c for c in names if _words(c) & PLACE_HINTS and _repeats(table.columns[c], 0.9)), None)
    return [zone] if zone else []


def find_pseudonym_column(table: Table, identifier_columns: Sequence[str], exclude: set[str]) -> str | None:
    """An identifier column whose values recur (a hashed MAC, card or device id), else an id-like name."""
    for column in identifier_columns:
        if column not in exclude and not _words(column) & PLACE_HINTS and _repeats(table.columns[column], 1.0):
            return column
    for column in table.names:
        words = _words(column)
        if (
            column not in exclude
            and words & PSEUDONYM_HINTS
            and not words & PLACE_HINTS
            and _repeats(table.columns[column], 0.5)
        ):
            return column
    return None


def find_trace_columns(
    table: Table,
    identifier_columns: Sequence[str] = (),
    pseudonym: str | None = None,
    time: str | None = None,
    place: Sequence[str] | None = None,
    exclude: Iterable[str] = (),
) -> TraceColumns | None:
    """Named columns win; the rest are detected. None when there is no pseudonym or neither time nor place."""
    taken = {c for c in [pseudonym, time, *(place or [])] if c} | set(exclude)
    place_columns = list(place) if place else find_place_columns(table, taken)
    taken |= set(place_columns)
    time_column = time or find_time_column(table, taken)
    taken |= {time_column} if time_column else set()
    pseudonym = pseudonym or find_pseudonym_column(table, identifier_columns, taken)
    if pseudonym is None or (time_column is None and not place_columns):
        return None
    return TraceColumns(pseudonym, time_column, place_columns)


# --- levels --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Events:
    """Valid events as integer arrays; users are numbered in a seeded random order."""

    users: np.ndarray
    n_users: int
    times_ms: np.ndarray | None
    places: np.ndarray | None  # one code per event (zone or exact coordinate pair)
    latitude: np.ndarray | None
    longitude: np.ndarray | None


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    """np.unique by sorting (numpy's hash-based unique is several times slower on a million int64)."""
    ordered = np.sort(values)
    return ordered[np.concatenate([[True], ordered[1:] != ordered[:-1]])] if len(ordered) else ordered


def _dense(values: np.ndarray) -> tuple[np.ndarray, int]:
    uniques, inverse = np.unique(values, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), len(uniques)


def _grid_codes(latitude: np.ndarray, longitude: np.ndarray, metres: float) -> np.ndarray:
    """Square cells of `metres` on an equirectangular projection at the data's median latitude."""
    scale = math.cos(math.radians(float(np.median(latitude))))
    row = np.floor(latitude * METRES_PER_DEGREE / metres).astype(np.int64)
    col = np.floor(longitude * METRES_PER_DEGREE * scale / metres).astype(np.int64)
    row -= row.min()
    col -= col.min()
    return row * (int(col.max()) + 1) + col


_Spec = tuple[str, str, int | None, float | None]


def _level_specs(events: _Events, place_kind: str, own_precision_m: float | None) -> list[_Spec]:
    """(time label, place label, time bin ms or None, grid metres or None), least coarsened first."""
    times: list[tuple[str, int | None]] = [("none", None)]
    if events.times_ms is not None:
        unit = time_unit(events.times_ms)
        times = [(f"{unit} (as given)", None)]
        times += [(name, width) for name, width in TIME_BINS_MS.items() if width > _UNIT_MS.get(unit, 0)]
    places: list[tuple[str, float | None]] = [("none", None)]
    if place_kind == "coordinates":
        places = [(f"as given (~{own_precision_m:.3g} m)" if own_precision_m else "as given", None)]
        places += [
            (f"{g} m grid" if g < 1000 else f"{g // 1000} km grid", float(g))
            for g in GRID_METRES
            if own_precision_m is None or g > own_precision_m
        ]
    elif place_kind == "zone":
        places = [("as given", None)]
    ranked = [
        (t_rank + p_rank, (t, p, width, grid))
        for t_rank, (t, width) in enumerate(times)
        for p_rank, (p, grid) in enumerate(places)
    ]
    return [spec for _, spec in sorted(ranked, key=lambda item: item[0])]


def _point_codes(events: _Events, width: int | None, grid: float | None) -> np.ndarray:
    """One integer per event naming its (place, time bin) point at this level."""
    parts: list[np.ndarray] = []
    if events.times_ms is not None:
        binned = events.times_ms if width is None else np.floor_divide(events.times_ms, width)
        parts.append(_dense(binned)[0])
    if grid is not None and events.latitude is not None and events.longitude is not None:
        parts.append(_dense(_grid_codes(events.latitude, events.longitude, grid))[0])
    elif events.places is not None:
        parts.append(events.places)
    cardinalities = [int(p.max()) + 1 if len(p) else 1 for p in parts]
    return combine(parts, cardinalities)


# --- the singling-out test ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Index:
    """Distinct (point, user) pairs sorted by point, so each point's users are a contiguous run."""

    by_point: np.ndarray  # point * n_users + user, sorted
    n_users: int
    n_points: int
    start: np.ndarray
    frequency: np.ndarray  # traces holding each point
    contains: Callable[[np.ndarray, np.ndarray], np.ndarray]


def _index(users: np.ndarray, points: np.ndarray, n_users: int) -> _Index:
    dense_points, n_points = _dense(points)
    by_point = _sorted_unique(dense_points * n_users + users)
    point_of_pair = by_point // n_users
    frequency = np.bincount(point_of_pair, minlength=n_points)
    start = np.concatenate([[0], np.cumsum(frequency)[:-1]])
    if n_users * n_points <= _DENSE_MEMBERSHIP_CELLS:
        table = np.zeros(n_users * n_points, dtype=bool)
        table[(by_point % n_users) * n_points + point_of_pair] = True

        def contains(u: np.ndarray, p: np.ndarray) -> np.ndarray:
            return table[u * n_points + p]
    else:

        def contains(u: np.ndarray, p: np.ndarray) -> np.ndarray:
            keys = p * n_users + u
            position = np.minimum(np.searchsorted(by_point, keys), len(by_point) - 1)
            return by_point[position] == keys

    return _Index(by_point, n_users, n_points, start, frequency, contains)


def _draw(index: _Index, sampled: int, rng: np.random.Generator, max_points: int) -> tuple[np.ndarray, np.ndarray]:
    """Up to `max_points` distinct random points per sampled user (-1 = the trace is shorter), and trace lengths."""
    users = index.by_point % index.n_users
    mine = users < sampled
    users, points = users[mine], (index.by_point // index.n_users)[mine]
    order = np.lexsort((rng.random(len(users)), users))
    users, points = users[order], points[order]
    lengths = np.bincount(users, minlength=sampled)
    first = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    rank = np.arange(len(users)) - first[users]
    drawn = np.full((sampled, max_points), -1, dtype=np.int64)
    keep = rank < max_points
    drawn[users[keep], rank[keep]] = points[keep]
    return drawn, lengths


def singled_out(index: _Index, users: np.ndarray, points: np.ndarray) -> np.ndarray:
    """For each query (user, its p points): does no other trace hold all p points?

    Candidates come from the query's rarest point, checked in growing batches; a query stops at the
    first other trace holding all its points, so common points cost little unless the query is unique.
    """
    rows = np.arange(len(users))
    rarest = points[rows, np.argmin(index.frequency[points], axis=1)]
    total = index.frequency[rarest]
    unique = total == 1
    checked = np.zeros(len(users), dtype=np.int64)
    active = np.flatnonzero(~unique)
    batch = 8
    while active.size:
        batch = max(1, min(batch, _ROUND_BUDGET // active.size))
        take = np.minimum(batch, total[active] - checked[active])
        query = np.repeat(active, take)
        offset = np.arange(len(query)) - np.repeat(np.cumsum(take) - take, take)
        candidate = index.by_point[index.start[rarest[query]] + checked[query] + offset] % index.n_users
        holds = candidate != users[query]
        for column in range(points.shape[1]):
            holds &= index.contains(candidate, points[query, column])
        witnessed = np.bincount(np.repeat(np.arange(active.size), take), weights=holds, minlength=active.size) > 0
        checked[active] += take
        exhausted = checked[active] >= total[active]
        unique[active[~witnessed & exhausted]] = True
        active = active[~witnessed & ~exhausted]
        batch *= 2
    return unique


def _level(
    events: _Events,
    spec: tuple[str, str, int | None, float | None],
    sampled: int,
    rng: np.random.Generator,
    max_points: int,
    coarsened: bool,
) -> TraceLevel:
    time_label, place_label, width, grid = spec
    index = _index(events.users, _point_codes(events, width, grid), events.n_users)
    drawn, lengths = _draw(index, sampled, rng, max_points)
    unicity = []
    for p in range(1, max_points + 1):
        eligible = np.flatnonzero(lengths >= p)
        if eligible.size == 0:
            unicity.append(PointsUnicity(p, 0, 0, None))
            continue
        hits = int(singled_out(index, eligible, drawn[eligible, :p]).sum())
        unicity.append(PointsUnicity(p, int(eligible.size), hits, hits / eligible.size))
    all_lengths = np.bincount(index.by_point % index.n_users, minlength=index.n_users)
    return TraceLevel(time_label, place_label, coarsened, index.n_points, float(np.median(all_lengths)), unicity)


# --- entry point ---------------------------------------------------------------------------------


def _events(
    pseudonyms: Sequence[str | None],
    times_ms: np.ndarray | None,
    places: list[Sequence[str | None]],
    rng: np.random.Generator,
) -> tuple[_Events, dict[str, int], str, np.ndarray]:
    """Valid events, counts of rows left out per reason, the place kind, and the valid-row mask."""
    user_codes, user_values = encode(pseudonyms)
    missing_user = np.isin(user_codes, [i for i, v in enumerate(user_values) if v is None])
    unusable = {"pseudonym missing": int(missing_user.sum())}
    valid = ~missing_user
    if times_ms is not None:
        unusable["time missing or unparseable"] = int((~np.isfinite(times_ms)).sum())
        valid &= np.isfinite(times_ms)
    kind, place_codes, latitude, longitude = "none", None, None, None
    if len(places) == 2:
        kind = "coordinates"
        latitude, longitude = parse_numbers(places[0]), parse_numbers(places[1])
        good = np.isfinite(latitude) & np.isfinite(longitude) & (np.abs(latitude) <= 90) & (np.abs(longitude) <= 180)
        unusable["coordinates missing or invalid"] = int((~good).sum())
        valid &= good
    elif len(places) == 1:
        kind = "zone"
        place_codes, place_values = encode(places[0])
        missing_place = np.isin(place_codes, [i for i, v in enumerate(place_values) if v is None])
        unusable["place missing"] = int(missing_place.sum())
        valid &= ~missing_place
    users, n_users = _dense(user_codes[valid]) if valid.any() else (np.zeros(0, dtype=np.int64), 0)
    users = rng.permutation(n_users)[users] if n_users else users
    if latitude is not None and longitude is not None:
        latitude, longitude = latitude[valid], longitude[valid]
        (rows, n_rows), (cols, n_cols) = _dense(latitude), _dense(longitude)
        place_codes = combine([rows, cols], [n_rows, n_cols])
    elif place_codes is not None:
        place_codes = place_codes[valid]
    events = _Events(
        users, n_users, None if times_ms is None else times_ms[valid].astype(np.int64), place_codes, latitude, longitude
    )
    return events, unusable, kind, valid


def _suggest(levels: list[TraceLevel], threshold: float) -> str | None:
    """The least coarsened level that keeps unicity at or below the threshold."""
    fine_enough = [level for level in levels[1:] if level.worst_share <= threshold]
    return fine_enough[0].label if fine_enough else None


def trace_unicity(
    pseudonyms: Sequence[str | None],
    times: Sequence[str | None] | None = None,
    places: Sequence[Sequence[str | None]] = (),
    *,
    columns: TraceColumns | None = None,
    epoch: bool | None = None,
    max_points: int = MAX_POINTS,
    sample: int = DEFAULT_SAMPLE,
    threshold: float = 0.0,
    seed: int = DEFAULT_SEED,
) -> TrajectoryReport:
    """Unicity for p = 1..max_points at the own resolution and at coarser time bins and coordinate grids.

    `places` is [] (time only), [zone values] or [latitudes, longitudes]. Up to `sample` pseudonyms are
    drawn (seeded) and compared against all traces; the same pseudonyms are drawn at every level.
    """
    if times is None and not places:
        raise ValueError("a trace needs a time column, a place column, or both")
    columns = columns or TraceColumns(
        "pseudonym",
        "time" if times is not None else None,
        ["latitude", "longitude"] if len(places) == 2 else ["place"] * len(places),
    )
    rng = np.random.default_rng(seed)
    times_ms = parse_times(times, epoch=epoch) if times is not None else None
    events, unusable, kind, valid = _events(pseudonyms, times_ms, list(places), rng)
    sampled = min(events.n_users, sample)
    levels: list[TraceLevel] = []
    if events.n_users:
        precision = None
        if kind == "coordinates":
            precision = coordinate_precision_metres([v for column in places for v in column[:5000]])
        specs = _level_specs(events, kind, precision)
        for number, spec in enumerate(specs):
            level_rng = np.random.default_rng([seed, number])
            levels.append(_level(events, spec, sampled, level_rng, max_points, coarsened=number > 0))
    return TrajectoryReport(
        pseudonym=columns.pseudonym,
        time=columns.time,
        place=list(columns.place),
        events=len(pseudonyms),
        events_used=int(valid.sum()),
        pseudonyms=events.n_users,
        pseudonyms_sampled=sampled,
        unusable=unusable,
        levels=levels,
        threshold=threshold,
        suggestion=_suggest(levels, threshold) if levels and levels[0].worst_share > threshold else None,
        seed=seed,
    )


def table_unicity(table: Table, columns: TraceColumns, **options: Any) -> TrajectoryReport:
    """`trace_unicity` on a table's named columns."""
    times = table.columns[columns.time] if columns.time else None
    places = [table.columns[c] for c in columns.place]
    return trace_unicity(table.columns[columns.pseudonym], times, places, columns=columns, **options)
