"""Given an export claimed to be anonymous, when `muniscan dataset audit` reads it, then the WP216 verdict, stored."""

import csv
import hashlib
import json
import random
from pathlib import Path

from sqlmodel import select
from typer.testing import CliRunner

from muniscan.cli.main import app
from muniscan.privacy.datasets.mac_vendors import ranked_prefixes
from muniscan.store import Store
from muniscan.store.models import DatasetAudit

runner = CliRunner()


def people_counter_export(path: Path, rows: int = 80) -> set[str]:
    """A Wi-Fi people counter's 'anonymised' export: unsalted SHA-256 of each visitor's MAC, per zone and minute."""
    rng, macs = random.Random(11), set()
    oui = ranked_prefixes()[0].prefix
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["visitor_mac_sha256", "zone", "minute"])
        for _ in range(rows):
            mac = f"{oui[:2]}:{oui[2:4]}:{oui[4:]}:00:{rng.randint(0, 1):02x}:{rng.randint(0, 255):02x}"
            macs.add(mac)
            writer.writerow([hashlib.sha256(mac.encode()).hexdigest(), f"torget-{rng.randint(1, 2)}",
                             f"2026-03-02T08:{rng.randint(0, 59):02d}"])  # fmt: skip
    return macs


def test_reversible_hashed_mac_export_is_identifiable_not_pseudonymised(tmp_path: Path, database_url: str) -> None:
    """EDPB 01/2025: a hash anyone can undo without a separately kept secret is no pseudonymisation."""
    export = tmp_path / "footfall.csv"
    macs = people_counter_export(export)
    result = runner.invoke(
        app, ["--db", database_url, "dataset", "audit", str(export), "--qi", "zone,minute", "--population", "150000",
              "--budget", "60", "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["verdict"] == "personal" and out["personal_data"]
    reversed_ = out["hashes_reversed"]["visitor_mac_sha256"]
    assert reversed_["algorithm"] == "sha256" and reversed_["reversed"] == reversed_["distinct"] == len(macs)
    assert reversed_["judgement"] == "identifiable: hashing without a secret key is not pseudonymisation"
    assert reversed_["reference"] == "EDPB Guidelines 01/2025 on pseudonymisation"
    assert any("EDPB Guidelines 01/2025" in r for r in out["risks"]["singling out"]["reasons"])
    assert out["risks"]["linkability"]["present"] and out["risks"]["singling out"]["present"]
    assert out["k"] is not None and out["population_uniqueness"]["population"] == 150000
    store = Store(database_url)
    with store.session() as session:
        stored = session.exec(select(DatasetAudit)).one()
    store.dispose()
    assert stored.verdict == "personal" and stored.rows == 80
    everything = result.stdout + json.dumps(stored.report)
    assert not any(mac in everything for mac in macs)  # reversed, but never written down


def test_human_output_names_the_three_risks(tmp_path: Path, database_url: str) -> None:
    export = tmp_path / "footfall.csv"
    people_counter_export(export, rows=20)
    result = runner.invoke(app, ["--db", database_url, "dataset", "audit", str(export), "--budget", "30"])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.stdout.split())  # table cells wrap
    assert "verdict: PERSONAL" in flat and "identifiable" in flat
    for risk in ("singling out", "linkability", "inference"):
        assert risk in result.stdout


def test_unknown_column_is_named_with_the_file(tmp_path: Path, database_url: str) -> None:
    export = tmp_path / "footfall.csv"
    people_counter_export(export, rows=5)
    result = runner.invoke(app, ["--db", database_url, "dataset", "audit", str(export), "--qi", "zone,age"])
    assert result.exit_code == 2 and "footfall.csv:1" in result.output and "'age'" in result.output


def test_bad_rows_are_named_by_line_and_column(tmp_path: Path, database_url: str) -> None:
    export = tmp_path / "bad.csv"
    export.write_text("zone,count\na,1\nb,2,3\n")
    result = runner.invoke(app, ["--db", database_url, "dataset", "audit", str(export)])
    assert result.exit_code == 2 and "bad.csv:3:3" in result.output
    broken = tmp_path / "bad.json"
    broken.write_text('[{"zone": "a"},\n {"zone": }]')
    result = runner.invoke(app, ["--db", database_url, "dataset", "audit", str(broken)])
    assert result.exit_code == 2 and "bad.json:2:" in result.output


def test_trace_uniqueness_in_json_and_text(tmp_path: Path, database_url: str) -> None:
    from tests.privacy.test_trajectory import turnstile_taps

    export = turnstile_taps(tmp_path / "taps.csv")
    result = runner.invoke(app, ["--db", database_url, "dataset", "audit", str(export), "--budget", "0", "--json"])
    assert result.exit_code == 0, result.output
    trajectory = json.loads(result.stdout)["trajectory"]
    assert (trajectory["pseudonym"], trajectory["time"], trajectory["place"]) == ("card_id", "tapped_at", ["station"])
    own, hour, day = trajectory["levels"]
    assert own["singled_out"] == {"1": 0.4, "2": 0.4, "3": 0.5, "4": 0.5} and own["points"] == 12
    assert hour["singled_out"] == {"1": 0.0, "2": 0.0, "3": 0.0, "4": 0.0}
    assert day["singled_out"] == {"1": 0.0, "2": 0.0, "3": None, "4": None}
    assert trajectory["suggestion"] == "time hour, place as given" and trajectory["unique"]
    assert trajectory["unusable"]["place missing"] == 1 and trajectory["events_used"] == 18
    risks = json.loads(result.stdout)["risks"]
    assert any("coarsen to time hour" in reason for reason in risks["linkability"]["reasons"])

    text = runner.invoke(app, ["--db", database_url, "dataset", "audit", str(export), "--budget", "0",
                               "--pseudonym", "card_id", "--time", "tapped_at", "--place", "station"])  # fmt: skip
    assert text.exit_code == 0, text.output
    assert "trace uniqueness" in text.stdout and "40.0%" in text.stdout and "time hour, place as given" in text.stdout


def test_weight_option_reports_individual_risk(tmp_path: Path, database_url: str) -> None:
    survey = tmp_path / "survey.csv"
    rows = [(2, 3, 1, 18.0), (3, 3, 3, 45.5), (2, 3, 1, 39.0), (2, 3, 2, 17.0), (3, 3, 1, 92.0), (3, 3, 1, 8.0),
            (1, 4, 1, 123.5), (2, 3, 1, 51.0)]  # fmt: skip
    survey.write_text("A,B,C,w\n" + "\n".join(",".join(map(str, row)) for row in rows) + "\n")
    args = ["--db", database_url, "dataset", "audit", str(survey), "--qi", "A,B,C", "--weight", "w"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    risk = json.loads(result.stdout)["individual_risk"]
    assert risk["highest"] == 0.177076 and risk["expected_reidentifications"] == 0.380837  # sdcMicro: 0.38083692
    assert risk["records_above_threshold"] == 1
    assert "expected re-identifications" in runner.invoke(app, args).stdout


def test_bad_weight_is_named_by_column_and_row(tmp_path: Path, database_url: str) -> None:
    survey = tmp_path / "survey.csv"
    survey.write_text("x,w\na,10\nb,-2\n")
    result = runner.invoke(app, ["--db", database_url, "dataset", "audit", str(survey), "--weight", "w"])
    assert result.exit_code == 2 and "'w', row 2 (line 3): the weight is negative" in result.output
    result = runner.invoke(app, ["--db", database_url, "dataset", "audit", str(survey), "--weight", "weight"])
    assert result.exit_code == 2 and "survey.csv:1" in result.output and "'weight'" in result.output


def test_hierarchies_give_a_generalisation_suggestion(tmp_path: Path, database_url: str) -> None:
    from tests.privacy.test_dataset_generalisation import residents

    data, folder = residents(tmp_path)
    args = ["--db", database_url, "dataset", "audit", str(data), "--budget", "0", "--hierarchies", str(folder)]
    result = runner.invoke(app, [*args, "--k", "3", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    suggestion = out["generalisation"]
    assert out["k"] == 1 and suggestion["reachable"] and suggestion["k_target"] == 3
    assert [(c["column"], c["level"], c["example"], c["becomes"], c["loss"]) for c in suggestion["columns"]] == [
        ("age", 1, "28", "20-29", 0.3333333333), ("zip", 1, "1301", "130*", 0.3333333333)]  # fmt: skip
    assert (suggestion["k"], suggestion["classes"], suggestion["kept"]) == (3, 2, ["sex"])
    assert suggestion["prosecutor_average"] == 0.25 and suggestion["ties"] == []
    assert any(r.startswith("generalising age to level 1 and zip to level 1 would make the table 3-anonymous")
               for r in out["risks"]["singling out"]["reasons"])  # fmt: skip
    store = Store(database_url)
    with store.session() as session:
        stored = session.exec(select(DatasetAudit)).one()
    store.dispose()
    assert stored.report["generalisation"]["columns"][1]["becomes"] == "130*"

    text = runner.invoke(app, [*args, "--k", "6"])
    assert text.exit_code == 0, text.output
    assert "top of every hierarchy (to reach k = 6)" in text.output and "21 → *" in text.stdout  # title: stderr
    assert "no generalisation with these hierarchies reaches k = 6; at their top, k = 3" in text.stdout
    text = runner.invoke(app, args)  # the default k is 5: also out of reach
    assert "(to reach k = 5)" in text.output and "kept as they are (no hierarchy): sex" in text.stdout
    assert "note: hierarchy" in text.stdout and "postort.csv not used: the table has no column 'postort'" in text.stdout


def test_hierarchy_errors_exit_2_and_store_nothing(tmp_path: Path, database_url: str) -> None:
    from tests.privacy.test_dataset_generalisation import residents

    data, folder = residents(tmp_path)
    (folder / "age.csv").write_text("21;20-29;*\n28;20-29;*\n34;30-39\n37;30-39;*\n", encoding="utf-8")
    result = runner.invoke(app, ["--db", database_url, "dataset", "audit", str(data), "--budget", "0",
                                 "--hierarchies", str(folder), "--json"])  # fmt: skip
    assert result.exit_code == 2
    assert f"{folder / 'age.csv'} line 3: 2 level(s), expected 3 as on line 1" in " ".join(result.output.split())
    assert not result.stdout.strip().startswith("{")
    store = Store(database_url)
    with store.session() as session:
        assert session.exec(select(DatasetAudit)).all() == []
    store.dispose()
