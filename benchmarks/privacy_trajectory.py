"""Trajectory unicity on a synthetic 1,000,000-event file: time per level and the shares it finds.

Usage: python benchmarks/privacy_trajectory.py [--events 1000000] [--devices 50000] [--place coordinates|zone]
                                               [--audit]
Events are visits of hashed devices to a few personal places (home, work, errands) around a city
centre, second-resolution ISO times over 30 days; `--audit` also writes the CSV and times the whole
`audit_dataset` (hash reversal off).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from muniscan.privacy.datasets.trajectory import TrajectoryReport, trace_unicity

CENTRE = (59.6099, 16.5448)  # Västerås
SENSORS = 40


def make_events(events: int, devices: int, seed: int = 7) -> dict[str, list[str]]:
    """Columns as text, the way a CSV reader hands them over."""
    rng = np.random.default_rng(seed)
    device = np.sort(rng.integers(0, devices, size=events))
    anchors = rng.normal(0, 0.02, size=(devices, 3, 2)) + CENTRE  # three places per device, ~2 km spread
    which = rng.choice(3, size=events, p=[0.5, 0.35, 0.15])
    jitter = rng.normal(0, 0.0004, size=(events, 2))  # ~40 m around each place
    position = anchors[device, which] + jitter
    seconds = rng.integers(0, 30 * 86_400, size=events) + np.datetime64("2026-03-01T00:00:00", "s").astype(int)
    stamps = np.datetime_as_string(seconds.astype("datetime64[s]"))
    tokens = [hashlib.sha256(f"device-{d}".encode()).hexdigest()[:16] for d in range(devices)]
    sensor = (np.abs(anchors[device, which, 0] * 1000).astype(int) + which) % SENSORS
    return {
        "device_hash": [tokens[d] for d in device.tolist()],
        "ts": [f"{s}Z" for s in stamps.tolist()],
        "lat": [f"{v:.5f}" for v in position[:, 0].tolist()],
        "lon": [f"{v:.5f}" for v in position[:, 1].tolist()],
        "sensor": [f"s{v}" for v in sensor.tolist()],
    }


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def show(report: TrajectoryReport, seconds: float) -> None:
    print(
        f"trace_unicity: {seconds:.2f} s, peak RSS {peak_rss_mb():.0f} MB, {report.events_used} events used, "
        f"{report.pseudonyms} pseudonyms, {report.pseudonyms_sampled} sampled, unusable {report.unusable}"
    )
    for level in report.levels:
        shares = "  ".join(f"p={u.points}: {u.share if u.share is not None else '-':>6}" for u in level.unicity)
        print(
            f"  {level.label:<45} points {level.distinct_points:>8}  median/pseudonym "
            f"{level.median_points_per_pseudonym:>5.1f}  {shares}"
        )
    print(f"suggestion: {report.suggestion}")


def write_csv(path: Path, columns: dict[str, list[str]]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows(zip(*columns.values(), strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--devices", type=int, default=50_000)
    parser.add_argument("--place", choices=("coordinates", "zone"), default="coordinates")
    parser.add_argument("--audit", action="store_true", help="also time audit_dataset on the written CSV")
    args = parser.parse_args()
    start = time.perf_counter()
    columns = make_events(args.events, args.devices)
    print(f"generated {args.events} events of {args.devices} devices in {time.perf_counter() - start:.1f} s")
    places = [columns["lat"], columns["lon"]] if args.place == "coordinates" else [columns["sensor"]]
    start = time.perf_counter()
    report = trace_unicity(columns["device_hash"], columns["ts"], places)
    show(report, time.perf_counter() - start)
    if args.audit:
        from muniscan.privacy.datasets.audit import audit_dataset

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "events.csv"
            write_csv(
                path,
                columns
                if args.place == "coordinates"
                else {k: v for k, v in columns.items() if k not in ("lat", "lon")},
            )
            start = time.perf_counter()
            audit = audit_dataset(path, budget_seconds=0)
            seconds = time.perf_counter() - start
            found = audit.trajectory
            columns_found = (found.pseudonym, found.time, found.place) if found else None
            print(
                f"audit_dataset end to end: {seconds:.2f} s, peak RSS {peak_rss_mb():.0f} MB, "
                f"trajectory columns {columns_found}"
            )


if __name__ == "__main__":
    main()
