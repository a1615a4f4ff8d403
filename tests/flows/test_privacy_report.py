"""Given stored flows, when the DPO report is written, then map, clear-text flows and legal references appear."""

import json
from importlib import resources
from pathlib import Path

import jsonschema
from typer.testing import CliRunner

from muniscan.cli.main import app

from .traffic import write_city_pcap

runner = CliRunner()


def test_privacy_report_in_every_document_format_and_both_languages(tmp_path: Path, database_url: str) -> None:
    pcap = write_city_pcap(tmp_path / "city.pcap")
    assert runner.invoke(app, ["--db", database_url, "flows", "pcap", str(pcap)]).exit_code == 0
    out = {}
    for fmt in ("json", "md", "html"):
        for lang in ("en", "sv"):
            result = runner.invoke(app, ["--db", database_url, "report", "privacy", "--format", fmt, "--lang", lang])
            assert result.exit_code == 0, result.output
            out[(fmt, lang)] = result.stdout
    report = json.loads(out[("json", "en")])
    schema = json.loads((resources.files("muniscan.reports") / "schemas" / "privacy-report.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(report)
    assert all(f["bytes"] > 0 for f in report["flows"])
    assert report["summary"]["cleartext_personal_data"] == 4 and report["summary"]["cleartext_credentials"] == 4
    parking = next(f for f in report["cleartext"] if f["device"] == "10.20.0.11")
    assert "GDPR Art. 32(1)(a)" in parking["references"] and "ENISA GP-TM-40" in parking["references"]
    mac = next(c for c in report["categories"] if c["category"] == "MAC_ADDRESS")
    assert any("Västerås" in ref for ref in mac["references"])
    assert all("GDPR Art. 28" in r["references"] for r in report["recipients"])
    assert "<svg" in out[("html", "en")] and "<script" not in out[("html", "en")]
    assert "Integritetsrapport" in out[("md", "sv")] and "Karta över dataflöden" in out[("html", "sv")]
    assert "upload.camvendor.example" in out[("md", "en")]  # the name came from the capture's own TLS SNI


def test_audited_datasets_reach_the_report_with_traces_and_a_tracking_trigger(
    tmp_path: Path, database_url: str
) -> None:
    from tests.privacy.test_dataset_command import people_counter_export
    from tests.privacy.test_trajectory import turnstile_taps

    taps = turnstile_taps(tmp_path / "taps.csv")
    counter = tmp_path / "counter.csv"
    people_counter_export(counter)
    survey, hierarchies = _survey_with_hierarchies(tmp_path)
    for export, extra in (
        (taps, ["--budget", "0"]),
        (counter, ["--budget", "20"]),
        (survey, ["--qi", "age,zip", "--k", "2", "--hierarchies", str(hierarchies)]),
    ):
        result = runner.invoke(app, ["--db", database_url, "dataset", "audit", str(export), *extra])
        assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["--db", database_url, "report", "privacy", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    schema = json.loads((resources.files("muniscan.reports") / "schemas" / "privacy-report.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(report)
    by_file = {d["file"]: d for d in report["datasets"]}
    traces = by_file["taps.csv"]["traces"]
    assert traces == {
        "pseudonym": "card_id",
        "pseudonyms": traces["pseudonyms"],
        "singled_out": 0.5,
        "unique": True,
        "suggestion": "time hour, place as given",
    }
    assert by_file["counter.csv"]["hashes_reversed"]["visitor_mac_sha256"].split("/")[0] != "0"
    assert by_file["survey.csv"]["generalisation"] == {"k_target": 2, "reachable": True, "levels": {"age": 1}, "k": 2}
    assert by_file["taps.csv"]["generalisation"] is None
    tracking = next(t for t in report["dpia"] if t["trigger"] == "tracking")
    assert {"dataset:taps.csv", "dataset:counter.csv"} <= set(tracking["devices"])
    for lang, words in (
        ("en", "are singled out by at most four"),
        ("sv", "pekas ut av högst fyra"),
        ("en", "generalise (column → hierarchy level): age → 1"),
        ("sv", "age → 1; k blir då 2"),
    ):
        for fmt in ("md", "html"):
            out = runner.invoke(app, ["--db", database_url, "report", "privacy", "--format", fmt, "--lang", lang])
            assert out.exit_code == 0 and words in out.stdout, out.output


def _survey_with_hierarchies(folder: Path) -> tuple[Path, Path]:
    """Ages single people out; the decade (level 1 of the age hierarchy) makes the table 2-anonymous."""
    survey = folder / "survey.csv"
    survey.write_text("age,zip\n21,12345\n24,12345\n33,12345\n37,12345\n", encoding="utf-8")
    hierarchies = folder / "hierarchies"
    hierarchies.mkdir()
    (hierarchies / "age.csv").write_text("21;20-29;*\n24;20-29;*\n33;30-39;*\n37;30-39;*\n", encoding="utf-8")
    (hierarchies / "zip.csv").write_text("12345;1234*;*\n", encoding="utf-8")
    return survey, hierarchies
