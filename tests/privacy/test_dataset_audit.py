"""Given an 'anonymised' export, when audited, then the WP216 verdict and its reasons."""

import csv
import hashlib
import json
import random

import pytest

from muniscan.privacy.datasets.audit import audit_dataset
from muniscan.privacy.datasets.mac_vendors import ranked_prefixes
from muniscan.privacy.datasets.precision import coordinate_precision_metres, timestamp_resolution
from muniscan.privacy.datasets.reversal import reverse_hashes
from muniscan.privacy.datasets.table import read_table, sniff_delimiter
from muniscan.privacy.datasets.weighted_risk import WeightError


def _wifi_export(path, rows=60):
    """A Wi-Fi counter's export: SHA-256 of MACs under the registry's first-ranked vendor prefix."""
    rng = random.Random(5)
    oui = ranked_prefixes()[0].prefix
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["device_hash", "zone", "ts", "lat", "lon"])
        for _ in range(rows):
            mac = f"{oui[:2]}:{oui[2:4]}:{oui[4:]}:00:{rng.randint(0, 3):02x}:{rng.randint(0, 255):02x}"
            writer.writerow(
                [
                    hashlib.sha256(mac.encode()).hexdigest(),
                    f"z{rng.randint(1, 3)}",
                    f"2026-01-05T07:{rng.randint(0, 59):02d}:13Z",
                    f"59.{rng.randint(3000, 3999)}",
                    f"18.{rng.randint(600, 699)}1",
                ]
            )


def test_hashed_mac_counter_is_personal_data(tmp_path, detector):
    """IMY Västerås (2015) and AP Enschede (2021): hashed MACs from Wi-Fi counters are personal
    data; unkeyed SHA-256 of a MAC is reversible per vendor prefix."""
    path = tmp_path / "footfall.csv"
    _wifi_export(path)
    report = audit_dataset(path, quasi_identifiers=["zone"], budget_seconds=30, detector=detector)
    assert report.hashed_columns == ["device_hash"]
    reversal = report.hash_reversal["device_hash"]
    assert reversal.algorithm == "sha256"
    assert reversal.reversed_hashes == reversal.distinct_hashes  # all fall under the first-ranked prefix
    verdicts = {v.risk: v for v in report.verdicts}
    assert verdicts["linkability"].present and verdicts["singling out"].present
    assert report.timestamp_resolution["ts"] == "second"
    assert report.coordinate_precision_m["lat"] < 10
    assert not report.anonymous
    oui = ranked_prefixes()[0].prefix
    assert f"{oui[:2]}:{oui[2:4]}:{oui[4:]}" not in json.dumps(report.to_dict(), default=str)  # no raw values


def test_direct_identifier_column_is_found(tmp_path, detector):
    path = tmp_path / "care.json"
    path.write_text(
        json.dumps([{"pnr": "811228-9874", "ward": "A", "need": "x"}, {"pnr": "121212-1212", "ward": "A", "need": "y"}])
    )
    report = audit_dataset(path, quasi_identifiers=["ward"], sensitive=["need"], budget_seconds=0, detector=detector)
    assert [f.category for f in report.direct_identifiers] == ["SE_PERSONNUMMER"]
    assert report.direct_identifiers[0].masked_examples[0].endswith("74")


def test_aggregate_table_passes(tmp_path, detector):
    path = tmp_path / "counts.csv"
    rows = ["district,hour,visitors"] + [f"d{d},{h},{10 + d}" for d in range(3) for h in range(4) for _ in range(5)]
    path.write_text("\n".join(rows) + "\n")
    report = audit_dataset(path, quasi_identifiers=["district", "hour"], detector=detector)
    assert report.anonymity.k == 5
    assert report.anonymous, report.verdicts


def test_parquet_and_sniffing(tmp_path):
    pyarrow = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pyarrow.table({"a": ["x", None], "b": [1, 2]}), tmp_path / "t.parquet")
    table = read_table(tmp_path / "t.parquet")
    assert table.columns == {"a": ["x", None], "b": ["1", "2"]}
    assert sniff_delimiter("sex;age;race\nMale;39;White\n") == ";"


def test_precision_helpers():
    assert timestamp_resolution(["2026-01-05T07:00:00Z", "2026-01-05T08:15:00Z"]).unit == "minute"
    assert timestamp_resolution(["2026-01-05", "2026-01-06"]).unit == "day"
    assert timestamp_resolution(["2026-01-05T07:00:00-05:00", "2026-01-05 08:00+0100"]).unit == "hour"
    assert timestamp_resolution(["2026-01-05T07:00:00.250"]).unit == "subsecond"
    assert coordinate_precision_metres(["59.3293"]) == pytest.approx(5.566, rel=1e-3)


def test_timestamp_resolution_tolerates_a_few_dirty_values():
    """One unparseable cell among the sampled values no longer hides the column's resolution; the
    values that parse decide, provided they are at least 90 % of the non-missing ones."""
    clean = [f"2026-01-05T07:{m:02d}:00" for m in range(18)]
    resolution = timestamp_resolution([*clean, "unknown", None, "2026-02-30T07:00"])
    assert resolution is not None
    assert (resolution.unit, resolution.parsed, resolution.unparsed) == ("minute", 18, 2)
    assert timestamp_resolution([*clean[:17], "unknown", "n/a"]) is None  # 17 of 19: below 90 %
    assert timestamp_resolution(["Male", "Female", "2026-01-05"]) is None
    assert timestamp_resolution([None, None]) is None


def test_dirty_timestamp_column_still_counts_for_linkability(tmp_path, detector):
    rows = [f"z{i % 3},2026-01-05T07:{i % 60:02d}:{i % 7:02d}" for i in range(40)]
    rows[5] = "z2,not recorded"
    path = tmp_path / "events.csv"
    path.write_text("zone,seen\n" + "\n".join(rows) + "\n")
    report = audit_dataset(path, quasi_identifiers=["zone"], budget_seconds=0, detector=detector)
    assert report.timestamp_resolution == {"seen": "second"}
    assert (
        "'seen': 1 of 40 sampled values are not ISO-8601 timestamps; its resolution (second) is judged on "
        "the 39 that are" in report.notes
    )
    linking = next(v for v in report.verdicts if v.risk == "linkability")
    assert any(r.startswith("'seen' has second resolution: the same events") for r in linking.reasons)


def test_personnummer_hash_reversal_by_birth_year():
    digest = hashlib.sha256(b"19811228-9874").hexdigest()
    chunks = [("personnummer", 1981, "yyyymmdd-nnnc")]
    report, recovered = reverse_hashes([digest], budget_seconds=30, chunks=chunks, workers=1)
    assert report.reversed_hashes == 1 and recovered[digest] == "19811228-9874"
    assert "19811228" not in json.dumps(report.to_dict())


def test_md5_plate_and_mobile_reversal():
    plate = hashlib.md5(b"ABC123").hexdigest()
    report, recovered = reverse_hashes([plate], chunks=[("plate", "AB", "compact")], workers=1)
    assert recovered == {plate: "ABC123"} and report.algorithm == "md5"
    mobile = hashlib.sha1(b"+46701234567").hexdigest()
    report, recovered = reverse_hashes([mobile], chunks=[("mobile", "070", 1, "e164")], workers=1)
    assert recovered == {mobile: "+46701234567"}


SDCMICRO_KEYS = [(2, 3, 1, 18.0), (3, 3, 3, 45.5), (2, 3, 1, 39.0), (2, 3, 2, 17.0), (3, 3, 1, 92.0), (3, 3, 1, 8.0),
                 (1, 4, 1, 123.5), (2, 3, 1, 51.0)]  # fmt: skip


def _write(path, header, rows):
    path.write_text(",".join(header) + "\n" + "\n".join(",".join(str(v) for v in row) for row in rows) + "\n")
    return path


def test_sampling_weights_give_sdcmicro_individual_risk(tmp_path, detector):
    """sdcMicro test_indivRisk.R: rk = (0.01369863, 0.08579129, 0.01369863, 0.17707583, 0.01877883,
    0.01877883, 0.03931625, 0.01369863); measure_risk's expected re-identifications is their sum."""
    path = _write(tmp_path / "survey.csv", ["A", "B", "C", "w"], SDCMICRO_KEYS)
    report = audit_dataset(path, ["A", "B", "C"], weight="w", detector=detector)
    risk = report.individual_risk
    assert risk.highest == pytest.approx(0.17707583, abs=1e-6)
    assert risk.expected_reidentifications == pytest.approx(0.38083692, abs=1e-3)
    assert risk.mean == pytest.approx(0.38083692 / 8, abs=1e-5)
    assert (risk.records_above_threshold, risk.records) == (1, 8)
    singling = next(v for v in report.verdicts if v.risk == "singling out")
    assert any("sampling weights 'w'" in reason and "1 of 8" in reason for reason in singling.reasons)
    # journalist risk now uses the summed weights per class: 1 / min Fk = 1 / 17
    assert report.reidentification.journalist_highest == pytest.approx(1 / 17)
    assert report.to_dict()["individual_risk"]["weight_column"] == "w"


def test_weight_column_is_never_a_suggested_quasi_identifier(tmp_path, detector):
    rows = [(f"a{i % 3}", f"b{i % 2}", 10 * (1 + i % 2), f"person{i}@example.se") for i in range(12)]
    path = _write(tmp_path / "survey.csv", ["x", "y", "w", "contact"], rows)  # about people: it holds e-mails
    assert "w" in audit_dataset(path, detector=detector, budget_seconds=0).quasi_identifiers
    report = audit_dataset(path, weight="w", detector=detector, budget_seconds=0)
    assert report.quasi_identifiers == ["x", "y"] and report.individual_risk.key_variables == ["x", "y"]


def test_sensor_readings_are_not_judged_as_records_about_people(tmp_path, detector):
    """No identifier, pseudonym or person-attribute column: every reading is unique, yet no one is singled out."""
    rows = [(f"aq-{i % 20:03d}", f"2026-03-01T{i % 24:02d}:00:00Z", f"{i * 0.37 % 40:.1f}") for i in range(240)]
    path = _write(tmp_path / "air.csv", ["sensor", "measured", "pm25"], rows)
    report = audit_dataset(path, detector=detector, budget_seconds=0)
    assert report.quasi_identifiers == [] and report.anonymous
    assert any("do not look like records about people" in note for note in report.notes)
    named = audit_dataset(path, ["sensor", "measured"], detector=detector, budget_seconds=0)
    assert named.anonymity.k == 2 and not named.anonymous  # the DPO can still name columns (k < 5)


@pytest.mark.parametrize(("bad", "problem"), [("ten", "is not a finite number"), ("-3", "is negative"),
                                              ("", "is missing")])  # fmt: skip
def test_bad_weights_name_the_column_and_row(tmp_path, detector, bad, problem):
    rows = [("a", 10), ("b", 12), ("a", bad), ("b", "-1")]
    path = _write(tmp_path / "survey.csv", ["x", "weight"], rows)
    with pytest.raises(WeightError) as caught:
        audit_dataset(path, ["x"], weight="weight", detector=detector)
    message = str(caught.value)
    assert f"weight column 'weight', row 3 (line 4): the weight {problem}" in message
    assert "2 bad weights in all" in message


def test_trace_file_names_unique_traces_and_the_coarsening_that_helps(tmp_path, detector):
    from tests.privacy.test_trajectory import turnstile_taps

    path = turnstile_taps(tmp_path / "taps.csv")
    report = audit_dataset(path, detector=detector, budget_seconds=0)
    assert (report.trajectory.pseudonym, report.trajectory.time, report.trajectory.place) == (
        "card_id", "tapped_at", ["station"])  # fmt: skip
    assert "card_id" not in report.quasi_identifiers  # a pseudonym is no quasi-identifier
    verdicts = {v.risk: v for v in report.verdicts}
    assert any("points of a trace in 'card_id' single out 40% of 5, 40% of 5, 50% of 4, 50% of 4 pseudonyms" in r
               for r in verdicts["singling out"].reasons)  # fmt: skip
    assert any("coarsen to time hour, place as given (0% singled out)" in r for r in verdicts["linkability"].reasons)
    assert not report.anonymous
    stored = report.to_dict()["trajectory"]
    assert stored["levels"][0]["unicity"][2] == {"points": 3, "evaluated": 4, "singled_out": 2, "share": 0.5}
    named = audit_dataset(path, detector=detector, budget_seconds=0, pseudonym="card_id", time="tapped_at",
                          place=["station"], unicity_threshold=0.5)  # fmt: skip
    assert named.trajectory.levels == report.trajectory.levels and not named.trajectory.unique
    with pytest.raises(ValueError, match="no column 'gate'"):
        audit_dataset(path, detector=detector, place=["gate"])


def test_missing_value_policies(tmp_path, detector):
    """'category': a missing cell is one more value; 'drop': the record is left out and counted;
    sdcMicro's wildcard matching gives no equivalence classes and is refused before any work."""
    rows = [("a", "x"), ("a", "x"), ("a", "y"), ("a", "y"), ("b", ""), ("b", "x"), ("b", "x")]
    path = _write(tmp_path / "survey.csv", ["district", "group"], rows)
    category = audit_dataset(path, ["district", "group"], missing="category", detector=detector, budget_seconds=0)
    assert (category.anonymity.k, category.anonymity.records_evaluated, category.anonymity.classes) == (1, 7, 4)
    dropped = audit_dataset(path, ["district", "group"], missing="drop", detector=detector, budget_seconds=0)
    assert (dropped.anonymity.k, dropped.anonymity.records_evaluated, dropped.anonymity.classes) == (2, 6, 3)
    assert "1 records with missing quasi-identifiers were excluded (policy 'drop')" in dropped.notes
    with pytest.raises(ValueError, match=r"missing-value policy 'wildcard' is not one of category, drop"):
        audit_dataset(tmp_path / "not-read.csv", ["district"], missing="wildcard", detector=detector)
