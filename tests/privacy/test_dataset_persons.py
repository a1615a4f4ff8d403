"""Given rows that are events of a card or device, when audited, then k and uniques count people, not rows."""

import csv
import json
import random
from collections import Counter, defaultdict
from pathlib import Path

from typer.testing import CliRunner

from muniscan.cli.main import app
from muniscan.privacy.datasets.audit import audit_dataset
from muniscan.privacy.datasets.persons import fold_persons

QI = ["fare_type", "birth_year", "postcode"]
# Hand-counted: card -> rows of (fare_type, birth_year, postcode)
HAND_TAPS = {
    "c1": [("adult", "1980", "41138")] * 3,
    "c2": [("adult", "1980", "41138")] * 2,
    "c3": [("student", "2001", "41319")] * 4,
    "c4": [("senior", "1950", "41138")],
    "c5": [("youth", "2007", "41319"), ("adult", "2007", "41319")],  # turned 18: the fare type changed
    "c6": [("youth", "2007", "41319")] * 2,
}
# persons: c1 and c2 share their values; c3, c4, c5 ("adult + youth") and c6 are alone -> 4 of 6 unique.
# rows: only c4's row and c5's adult row are alone -> 2 of 14 unique; that is what counting rows said.


def _write_taps(path: Path, taps: dict[str, list[tuple[str, str, str]]], without_card: int = 0) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["card_id", *QI, "station", "tapped_at"])
        minute = 0
        for card, rows in taps.items():
            for row in rows:
                minute += 1
                writer.writerow([card, *row, f"s{minute % 5}", f"2026-02-03T07:{minute % 60:02d}:00"])
        for _ in range(without_card):
            writer.writerow(["", "adult", "1990", "41138", "s1", "2026-02-03T08:00:00"])
    return path


def test_hand_counted_card_taps_give_per_person_uniques(tmp_path, detector):
    path = _write_taps(tmp_path / "taps.csv", HAND_TAPS, without_card=1)
    report = audit_dataset(path, QI, pseudonym="card_id", budget_seconds=0, detector=detector)
    assert report.unit == "persons"
    assert "41319" not in json.dumps(report.to_dict(), default=str)  # folded values are not kept
    assert (report.anonymity.records, report.anonymity.sample_uniques, report.anonymity.k) == (6, 4, 1)
    assert report.anonymity.classes == 5
    assert report.persons.rows_without_pseudonym == 1 and report.persons.varying["fare_type"] == 1
    assert any("counted over 6 persons (distinct 'card_id'), not over the 15 rows" in n for n in report.notes)
    singling = next(v for v in report.verdicts if v.risk == "singling out")
    assert any("4 of 6 persons (distinct 'card_id') (66.7%) are the only ones with their values" in r
               for r in singling.reasons)  # fmt: skip
    assert singling.question.startswith("Can one person be picked out")
    # the prosecutor's highest risk is 1 (a person alone); average = 5 classes / 6 persons
    assert report.reidentification.prosecutor_average == 5 / 6


def test_folding_combines_varying_values_and_ignores_missing_beside_known_ones():
    columns = {"card": ["a", "a", "b", "b", None], "fare": ["adult", "youth", None, None, "adult"],
               "zip": ["1", None, "2", "2", "3"]}  # fmt: skip
    units, folded = fold_persons(columns, "card", ["fare", "zip"])
    assert folded == {"fare": ["adult + youth", None], "zip": ["1", "2"]}
    assert (units.persons, units.rows_without_pseudonym, units.varying) == (2, 1, {"fare": 1, "zip": 0})


def _random_taps(seed: int, cards: int) -> dict[str, list[tuple[str, str, str]]]:
    rng = random.Random(seed)
    taps = {}
    for number in range(cards):
        fare = rng.choice(["adult", "adult", "adult", "student", "senior", "youth"])
        year, postcode = str(rng.randint(1940, 2010)), f"41{rng.randint(100, 160)}"
        rows = [(fare, year, postcode)] * rng.randint(1, 30)
        if fare == "youth" and rng.random() < 0.3:
            rows.append(("adult", year, postcode))
        taps[f"card-{number:04d}"] = rows
    return taps


def test_many_rows_per_card_match_an_independent_count(tmp_path, detector):
    """The issue's case: many taps per card; counting rows found 0 uniques where most card holders are unique."""
    taps = _random_taps(7, 599)
    path = _write_taps(tmp_path / "taps.csv", taps)
    combined = {card: tuple(" + ".join(sorted({row[i] for row in rows})) for i in range(3))
                for card, rows in taps.items()}  # fmt: skip
    expected = sum(1 for n in Counter(combined.values()).values() if n == 1)
    row_classes: defaultdict[tuple, int] = defaultdict(int)
    for rows in taps.values():
        for row in rows:
            row_classes[row] += 1
    report = audit_dataset(path, QI, pseudonym="card_id", budget_seconds=0, detector=detector)
    assert report.anonymity.sample_uniques == expected
    assert report.anonymity.records == 599 and expected > 300
    assert expected > sum(1 for n in row_classes.values() if n == 1)  # rows understate it


def test_json_counts_persons_with_full_precision(tmp_path: Path, database_url: str) -> None:
    path = _write_taps(tmp_path / "taps.csv", HAND_TAPS)
    result = CliRunner().invoke(app, ["--db", database_url, "dataset", "audit", str(path), "--qi", ",".join(QI),
                                      "--pseudonym", "card_id", "--budget", "0", "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["unit"] == "persons" and out["persons"]["persons"] == 6 and out["persons"]["rows"] == 14
    assert out["sample_uniques"] == 4 and out["sample_unique_share"] == 4 / 6  # not rounded
    assert out["prosecutor_risk"]["average"] == 5 / 6
    assert {"persons", "k", "prosecutor risk", "quasi-identifiers"} <= set(out["glossary"])
    assert all(v["question"] for v in out["risks"].values())
    text = CliRunner().invoke(app, ["--db", database_url, "dataset", "audit", str(path), "--qi", ",".join(QI),
                                    "--pseudonym", "card_id", "--budget", "0"])  # fmt: skip
    assert "counted over 6 persons" in text.stdout and "prosecutor risk: the chance" in text.stdout


def test_measurements_are_no_quasi_identifiers_and_visit_windows_are(tmp_path, detector):
    path = tmp_path / "visits.csv"
    rng = random.Random(3)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["device_id", "rssi", "zone", "first_seen", "last_seen"])
        for device in range(40):
            for _ in range(3):
                writer.writerow([f"dev{device}", str(rng.choice([-60, -70, -80])), f"z{rng.randint(1, 4)}",
                                 f"2026-02-03T07:{device:02d}", f"2026-02-03T08:{device:02d}"])  # fmt: skip
    report = audit_dataset(path, budget_seconds=0, detector=detector)
    assert "rssi" not in report.quasi_identifiers
    assert {"first_seen", "last_seen"} <= set(report.quasi_identifiers)
    assert report.unit == "persons" and report.persons.pseudonym == "device_id"
