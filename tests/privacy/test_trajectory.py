"""Given event files keyed by a pseudonym, when trace unicity is measured, then the share singled out by p points."""

import csv
import random
from pathlib import Path

import numpy as np
import pytest

from muniscan.privacy.datasets.table import read_table
from muniscan.privacy.datasets.trajectory import (
    TraceColumns,
    _index,
    find_trace_columns,
    parse_times,
    singled_out,
    table_unicity,
    trace_unicity,
)


def write_csv(path: Path, header: list[str], rows: list[tuple]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def turnstile_taps(path: Path) -> Path:
    """Five travel cards, by hand: A and B share every tap; E's two taps are A's first two; C and F are alone
    at station s3 at their own minutes, but share all four hours there. Plus three unusable rows."""
    rows = []
    for card in ("A", "B"):
        rows += [(card, f"2026-03-02T{h:02d}:05:00Z", s) for s, h in (("s1", 8), ("s2", 9), ("s1", 10), ("s2", 11))]
    rows += [("C", f"2026-03-02T{h:02d}:{m:02d}:00Z", "s3") for h, m in ((8, 10), (9, 20), (10, 30), (11, 40))]
    rows += [("F", f"2026-03-02T{h:02d}:{m:02d}:00Z", "s3") for h, m in ((8, 40), (9, 50), (10, 5), (11, 30))]
    rows += [("E", "2026-03-02T08:05:00Z", "s1"), ("E", "2026-03-02T09:05:00Z", "s2")]
    rows += [("", "2026-03-02T08:05:00Z", "s1"), ("E", "02/03/2026 08:05", "s1"), ("E", "2026-03-02T08:05:00Z", "")]
    return write_csv(path, ["card_id", "tapped_at", "station"], rows)


def shares(level) -> list[float | None]:
    return [u.share for u in level.unicity]


def test_hand_built_taps_give_the_shares_computed_by_hand(tmp_path: Path) -> None:
    """Own resolution (minute): p=1,2 evaluate A,B,C,E,F and single out C and F (2/5); p=3,4 evaluate
    A,B,C,F (E has two taps) and single out C and F (2/4). Hourly bins merge C's and F's taps: nobody is
    alone. Daily bins leave two points per card at most for A,B,E (s1, s2) and one for C,F."""
    path = turnstile_taps(tmp_path / "taps.csv")
    report = table_unicity(read_table(path), TraceColumns("card_id", "tapped_at", ["station"]))
    own, hour, day = report.levels
    assert (own.time, own.place, own.coarsened) == ("minute (as given)", "as given", False)
    assert shares(own) == [0.4, 0.4, 0.5, 0.5]
    assert [u.evaluated for u in own.unicity] == [5, 5, 4, 4]
    assert [u.singled_out for u in own.unicity] == [2, 2, 2, 2]
    assert hour.time == "hour" and shares(hour) == [0.0, 0.0, 0.0, 0.0]
    assert day.time == "day" and shares(day) == [0.0, 0.0, None, None]
    assert (own.distinct_points, hour.distinct_points, day.distinct_points) == (12, 8, 3)
    assert report.unique and report.suggestion == "time hour, place as given"
    assert report.events == 21 and report.events_used == 18 and report.pseudonyms == 5
    assert report.unusable == {"pseudonym missing": 1, "time missing or unparseable": 1, "place missing": 1}


def test_coordinates_coarsened_to_a_grid(tmp_path: Path) -> None:
    """Two phones seen ~11 m apart at the same hours: apart as given (5 decimals), together on a 100 m grid."""
    rows = []
    for hour in range(8, 12):
        rows.append(("p1", f"2026-03-02T{hour:02d}:00:00", "59.85000", f"17.6{hour:02d}00"))
        rows.append(("p2", f"2026-03-02T{hour:02d}:00:00", "59.85010", f"17.6{hour:02d}10"))
    rows.append(("p3", "2026-03-02T08:00:00", "91.0", "17.6"))  # outside the globe
    rows.append(("p3", "2026-03-02T08:00:00", "north", "17.6"))
    path = write_csv(tmp_path / "phones.csv", ["phone", "ts", "lat", "lon"], rows)
    report = table_unicity(read_table(path), TraceColumns("phone", "ts", ["lat", "lon"]))
    labels = [level.label for level in report.levels]
    assert labels[0] == "time hour (as given), place as given (~0.557 m)"
    assert "time hour (as given), place 100 m grid" in labels and "time day, place 1 km grid" in labels
    assert shares(report.levels[0]) == [1.0, 1.0, 1.0, 1.0]
    grid = report.levels[labels.index("time hour (as given), place 100 m grid")]
    assert shares(grid) == [0.0, 0.0, 0.0, 0.0]
    assert report.suggestion == "time hour (as given), place 100 m grid"
    assert report.unusable["coordinates missing or invalid"] == 2 and report.pseudonyms == 2


def naive_unique(traces: dict[int, set[int]], user: int, points: list[int]) -> bool:
    return not any(set(points) <= trace for other, trace in traces.items() if other != user)


def test_singled_out_matches_set_containment_on_random_traces() -> None:
    """The batched candidate search gives the same answer as comparing every trace, over many rounds."""
    rng = random.Random(3)
    users = np.array([rng.randrange(400) for _ in range(6000)])
    points = np.array([min(rng.randrange(300), rng.randrange(300)) for _ in range(6000)])  # some points common
    index = _index(users, points, 400)
    traces: dict[int, set[int]] = {}
    dense = np.unique(points, return_inverse=True)[1]
    for u, p in zip(users.tolist(), dense.tolist(), strict=True):
        traces.setdefault(u, set()).add(p)
    for p in (1, 2, 3):
        queries = [u for u in range(400) if len(traces.get(u, ())) >= p]
        drawn = np.array([rng.sample(sorted(traces[u]), p) for u in queries])
        got = singled_out(index, np.array(queries), drawn)
        expected = [naive_unique(traces, u, list(row)) for u, row in zip(queries, drawn.tolist(), strict=True)]
        assert got.tolist() == expected
        assert 0 < sum(expected) < len(expected)  # both outcomes exercised


def test_seeded_and_repeatable(tmp_path: Path) -> None:
    rng = random.Random(9)
    rows = [(f"d{rng.randrange(300)}", f"2026-03-0{rng.randrange(1, 8)}T{rng.randrange(24):02d}:00:00",
             f"z{rng.randrange(12)}") for _ in range(3000)]  # fmt: skip
    table = read_table(write_csv(tmp_path / "e.csv", ["device", "ts", "zone"], rows))
    columns = TraceColumns("device", "ts", ["zone"])
    first, again = table_unicity(table, columns), table_unicity(table, columns)
    assert first.to_dict() == again.to_dict()
    other = table_unicity(table, columns, seed=1)
    assert [u.evaluated for u in other.levels[0].unicity] == [u.evaluated for u in first.levels[0].unicity]
    sampled = table_unicity(table, columns, sample=50)
    assert sampled.pseudonyms_sampled == 50 and sampled.levels[0].unicity[0].evaluated == 50


def test_garbage_is_counted_not_fatal() -> None:
    report = trace_unicity(["a", "a", None, "b"], ["x", "", "2026-01-01", "2026-13-01T00:00"], [["z", "z", "z", "z"]])
    assert report.events_used == 0 and report.levels == [] and not report.unique
    assert report.unusable == {"pseudonym missing": 1, "time missing or unparseable": 3, "place missing": 0}
    with pytest.raises(ValueError, match="time column, a place column"):
        trace_unicity(["a"], None, [])


def test_time_formats() -> None:
    ms = parse_times(["2026-03-02T08:05:13Z", "2026-03-02 08:05:13+02:00", "2026-03-02T08:05:13-0500",
                      "2026-03-02T08:05:13.250", "2026-03-02", "now", None, "2026-02-30T00:00"])  # fmt: skip
    as_text = [None if np.isnan(v) else str(np.datetime64(int(v), "ms")) for v in ms]
    assert as_text == ["2026-03-02T08:05:13.000"] * 3 + ["2026-03-02T08:05:13.250", "2026-03-02T00:00:00.000",
                                                         None, None, None]  # fmt: skip
    epoch = parse_times(["1772438713", "1772438713000"])
    assert epoch[0] == epoch[1] == 1772438713000


def test_trace_columns_are_detected(tmp_path: Path) -> None:
    table = read_table(turnstile_taps(tmp_path / "taps.csv"))
    assert find_trace_columns(table) == TraceColumns("card_id", "tapped_at", ["station"])
    assert find_trace_columns(table, pseudonym="station", place=["card_id"]).pseudonym == "station"
    people = [(i, 20 + i % 50, "FM"[i % 2]) for i in range(99)]
    census = write_csv(tmp_path / "census.csv", ["id", "age", "sex"], people)
    assert find_trace_columns(read_table(census)) is None  # an id per row is no pseudonym over time
