"""Given a table that is not k-anonymous and the DPO's hierarchies, when audited, then the least-lossy
generalisation that would reach k, as a suggestion (no data is written).

The table: eight residents, age / zip / sex. At age decade and 3-digit zip (level 1 of both) the
classes are (20-29, 130*, F) x 5 and (30-39, 131*, M) x 3, so k = 3; level 1 of age alone or zip
alone leaves a class of 2. Each level-1 label covers 2 of the 4 hierarchy rows, so ARX's loss is
(8 * 2/4 - 8/4) / (8 - 8/4) = 1/3 for both columns.
"""

import json
from pathlib import Path

import pytest

from muniscan.privacy.datasets.audit import audit_dataset
from muniscan.privacy.datasets.generalisation import HierarchyError

ROWS = [("21", "1301", "F"), ("28", "1302", "F"), ("28", "1301", "F"), ("34", "1311", "M"),
        ("37", "1312", "M"), ("37", "1311", "M"), ("21", "1302", "F"), ("28", "1301", "F")]  # fmt: skip
AGE = "21;20-29;*\n28;20-29;*\n34;30-39;*\n37;30-39;*\n"
ZIP = "1301;130*;13**\n1302;130*;13**\n1311;131*;13**\n1312;131*;13**\n"


def residents(tmp_path, rows=ROWS, extra=None):
    """The CSV, and a folder with age.csv (plain naming), kommun_hierarchy_zip.csv (ARX's) and a stray file."""
    header = ["age", "zip", "sex", *(extra or {})]
    lines = [",".join(header)] + [",".join([*row, *(values[i] for values in (extra or {}).values())])
                                  for i, row in enumerate(rows)]  # fmt: skip
    data = tmp_path / "residents.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    folder = tmp_path / "hierarchies"
    folder.mkdir()
    (folder / "age.csv").write_text(AGE, encoding="utf-8")
    (folder / "kommun_hierarchy_zip.csv").write_text(ZIP, encoding="utf-8")
    (folder / "postort.csv").write_text("Tumba;*\n", encoding="utf-8")
    return data, folder


def test_suggests_the_least_lossy_levels_and_keeps_columns_without_a_hierarchy(tmp_path, detector):
    data, folder = residents(tmp_path)
    report = audit_dataset(data, hierarchies=folder, k_threshold=3, detector=detector, budget_seconds=0)
    assert report.quasi_identifiers == ["age", "zip", "sex"] and report.anonymity.k == 1
    suggestion = report.generalisation
    assert suggestion.reachable and suggestion.kept == ["sex"]
    age, zip_ = suggestion.columns
    assert (age.column, age.level, age.top_level, age.loss) == ("age", 1, 2, 0.3333333333)
    assert (zip_.column, zip_.level, zip_.loss, zip_.hierarchy) == (
        "zip",
        1,
        0.3333333333,
        str(folder / "kommun_hierarchy_zip.csv"),
    )
    assert (age.example, age.becomes) == ("28", "20-29")  # the value shared by 3 records, not a rare one
    assert (zip_.example, zip_.becomes) == ("1301", "130*")
    assert (suggestion.k, suggestion.classes, suggestion.ties) == (3, 2, [])
    assert suggestion.prosecutor_average == 0.25 and suggestion.prosecutor_highest == pytest.approx(1 / 3)
    singling = next(v for v in report.verdicts if v.risk == "singling out").reasons
    assert (
        "generalising age to level 1 and zip to level 1 would make the table 3-anonymous (smallest class 3, "
        "2 classes); without a hierarchy and kept as they are: sex"
    ) in singling
    assert f"hierarchy {folder / 'postort.csv'} not used: the table has no column 'postort'" in report.notes
    assert report.to_dict()["generalisation"]["columns"][0]["becomes"] == "20-29"
    assert list(folder.iterdir()) and sorted(p.name for p in tmp_path.iterdir()) == ["hierarchies", "residents.csv"]


def test_unreachable_k_is_said(tmp_path, detector):
    """At the top of both hierarchies sex still splits the table 5 / 3: k = 6 cannot be reached."""
    data, folder = residents(tmp_path)
    report = audit_dataset(data, hierarchies=folder, k_threshold=6, detector=detector, budget_seconds=0)
    suggestion = report.generalisation
    assert not suggestion.reachable and (suggestion.k, suggestion.classes) == (3, 2)
    assert [(c.level, c.loss) for c in suggestion.columns] == [(2, None), (2, None)]
    # no value is shared by 6 records, so the examples are the hierarchies' first values, not data
    assert [(c.example, c.becomes) for c in suggestion.columns] == [("21", "*"), ("1301", "13**")]
    singling = next(v for v in report.verdicts if v.risk == "singling out").reasons
    assert (
        "no generalisation with the given hierarchies makes the table 6-anonymous: at the top of every "
        "hierarchy the smallest class has 3 record(s); without a hierarchy and kept as they are: sex"
    ) in singling


def test_no_suggestion_when_already_k_anonymous(tmp_path, detector):
    data, folder = residents(tmp_path)
    report = audit_dataset(data, ["sex"], hierarchies=folder, k_threshold=3, detector=detector, budget_seconds=0)
    assert report.anonymity.k == 3 and report.generalisation is None
    assert "no quasi-identifier has a hierarchy: no generalisation suggested" in report.notes
    assert "hierarchies not used, the columns are no quasi-identifiers: age, zip" in report.notes
    report = audit_dataset(data, ["age", "sex"], hierarchies=folder, k_threshold=1, detector=detector,
                           budget_seconds=0)  # fmt: skip
    assert report.anonymity.k == 1 and report.generalisation is None
    assert "the quasi-identifiers are 1-anonymous as given: no generalisation suggested" in report.notes
    assert "hierarchies not used, the columns are no quasi-identifiers: zip" in report.notes


def _personnummer(index: int) -> str:
    """A Luhn-valid personnummer born 1981-12-1x."""
    body = f"81121{index}{index:02d}4"[:9]
    total = 0
    for position, digit in enumerate(body):
        product = int(digit) * (2 - position % 2)
        total += product // 10 + product % 10
    return f"{body[:6]}-{body[6:]}{(10 - total % 10) % 10}"


def test_identifier_columns_get_no_example(tmp_path, detector):
    """A quasi-identifier that is a direct identifier: its level is suggested, its values never shown."""
    numbers = [_personnummer(i) for i in range(8)]
    data, folder = residents(tmp_path, extra={"pnr": numbers})
    (folder / "pnr.csv").write_text("".join(f"{n};1981;*\n" for n in numbers), encoding="utf-8")
    report = audit_dataset(data, ["age", "zip", "pnr"], hierarchies=folder, k_threshold=3, detector=detector,
                           budget_seconds=0)  # fmt: skip
    assert [f.column for f in report.direct_identifiers] == ["pnr"]
    pnr = report.generalisation.columns[2]
    assert (pnr.column, pnr.level, pnr.example, pnr.becomes) == ("pnr", 1, None, None)
    assert report.generalisation.ties == [{"age": 1, "zip": 1, "pnr": 2}]  # "1981" and "*" both lose all of pnr
    stored = json.dumps(report.to_dict(), default=str)
    assert not any(n in stored or n.replace("-", "") in stored for n in numbers)


def test_hierarchy_errors_name_the_file(tmp_path, detector):
    data, folder = residents(tmp_path, rows=[*ROWS[:-1], ("45", "1301", "F")])
    with pytest.raises(
        HierarchyError,
        match=r"age\.csv: column 'age' has 1 value\(s\) not in the hierarchy "
        r"\('45'\); 1 record\(s\), the first is record 8",
    ):
        audit_dataset(data, hierarchies=folder, detector=detector, budget_seconds=0)
    (folder / "age.csv").write_text(AGE + "45;40-49\n", encoding="utf-8")
    with pytest.raises(HierarchyError, match=r"age\.csv line 5: 2 level\(s\), expected 3 as on line 1"):
        audit_dataset(data, hierarchies=folder, detector=detector, budget_seconds=0)
    (folder / "adult_hierarchy_age.csv").write_text(AGE, encoding="utf-8")
    with pytest.raises(HierarchyError, match=r"a second hierarchy for column 'age'"):
        audit_dataset(data, hierarchies=folder, detector=detector, budget_seconds=0)
    (tmp_path / "empty").mkdir()
    with pytest.raises(HierarchyError, match=r"empty: no hierarchy files \(<column>\.csv or "):
        audit_dataset(data, hierarchies=tmp_path / "empty", detector=detector, budget_seconds=0)
    with pytest.raises(HierarchyError, match=r"absent: not a folder of hierarchy files"):
        audit_dataset(data, hierarchies=tmp_path / "absent", detector=detector, budget_seconds=0)


def test_missing_cells_need_a_hierarchy_row_unless_dropped(tmp_path, detector):
    """Under 'category' a missing zip is a value the hierarchy must cover; under 'drop' the record is out."""
    data, folder = residents(tmp_path, rows=[*ROWS, ("34", "", "M")])
    with pytest.raises(HierarchyError, match=r"column 'zip' has 1 value\(s\) not in the hierarchy \(a missing cell\)"):
        audit_dataset(data, hierarchies=folder, k_threshold=3, detector=detector, budget_seconds=0)
    report = audit_dataset(data, hierarchies=folder, k_threshold=3, missing="drop", detector=detector,
                           budget_seconds=0)  # fmt: skip
    assert report.anonymity.records_evaluated == 8
    assert [c.level for c in report.generalisation.columns] == [1, 1] and report.generalisation.k == 3
    (folder / "kommun_hierarchy_zip.csv").write_text(ZIP + "NULL;13**;13**\n", encoding="utf-8")
    report = audit_dataset(data, hierarchies=folder, k_threshold=3, detector=detector, budget_seconds=0)
    # the missing zip is its own label until level 2, so (30-39, 13**, M) x 4 needs zip at its top
    assert [c.level for c in report.generalisation.columns] == [1, 2] and report.generalisation.k == 4


def test_arx_adult_at_k5(datasets, detector):
    """ARX's Adult extract with ARX's own hierarchies: every hierarchy column becomes a quasi-identifier
    (workclass and salary-class are not in the name hints), and the same search that reproduces ARX's
    2-anonymous optimum (test_generalisation.py) finds the 5-anonymous one."""
    arx = Path(__file__).parent / "data" / "arx"
    report = audit_dataset(datasets / "arx-adult.csv", hierarchies=arx, detector=detector, budget_seconds=0)
    assert report.quasi_identifiers == ["sex", "age", "race", "marital-status", "education", "native-country",
                                        "workclass", "occupation", "salary-class"]  # fmt: skip
    assert (report.anonymity.k, report.anonymity.sample_uniques) == (1, 15512)
    suggestion = report.generalisation
    assert {c.column: c.level for c in suggestion.columns} == {
        "sex": 0, "age": 4, "race": 1, "marital-status": 1, "education": 3, "native-country": 2, "workclass": 2,
        "occupation": 1, "salary-class": 0}  # fmt: skip
    assert (suggestion.k, suggestion.classes, suggestion.kept, suggestion.ties) == (69, 24, [], [])
    assert suggestion.prosecutor_average == 24 / 30162 and suggestion.prosecutor_highest == 1 / 69
    occupation = suggestion.columns[7]
    assert (occupation.example, occupation.becomes, occupation.loss) == ("Prof-specialty", "Technical", 0.2867336893)
