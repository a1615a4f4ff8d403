"""Given the hostile lab scanned twice and two human decisions, every format shows the same facts safely."""

import csv
import io
import json
import shutil
import subprocess
from importlib import resources

import jsonschema
import pytest

from tests.reports.conftest import ACCEPTED_BY, FALSE_POSITIVE_BY, muniscan

pytestmark = pytest.mark.slow

TEXT_FORMATS = ["html", "md", "json", "csv", "csv-assets", "sarif", "defectdojo"]


def report(db: str, fmt: str, *extra: str) -> str:
    return muniscan(db, "report", "security", "--format", fmt, *extra).stdout


def schema(name: str) -> dict:
    return json.loads((resources.files("muniscan.reports") / "schemas" / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("fmt", TEXT_FORMATS)
def test_no_format_carries_a_terminal_escape_or_control_character(hostile_db: str, fmt: str) -> None:
    out = report(hostile_db, fmt)
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
    assert "]0;owned" not in out  # the OSC title sequence is removed whole, not just its ESC


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_documents_escape_markup_from_devices(hostile_db: str, fmt: str) -> None:
    out = report(hostile_db, fmt)
    assert "<script>alert" not in out and "<img src=x" not in out and "<b>until then</b>" not in out
    assert "&lt;script&gt;" in out or (fmt == "md" and "alert" not in out.split("## ")[0])


def test_html_has_no_script_and_loads_nothing(hostile_db: str) -> None:
    out = report(hostile_db, "html")
    assert "<script" not in out.lower()
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in out
    for outside in ('src="http', 'href="http', "url(http", "@import"):
        assert outside not in out
    assert "default-src 'none'" in out


def test_markdown_cannot_open_links_or_emphasis(hostile_db: str) -> None:
    out = report(hostile_db, "md")
    assert "[link](http" not in out and "**bold**" not in out
    assert "\\[link\\]" in out


def test_json_matches_its_published_schema(hostile_db: str) -> None:
    data = json.loads(report(hostile_db, "json"))
    jsonschema.Draft202012Validator.check_schema(schema("security-report.schema.json"))
    jsonschema.Draft202012Validator(schema("security-report.schema.json"), format_checker=None).validate(data)
    assert data["schema_version"] == "3" and len(data["history"]) == 2


def test_sarif_validates_against_the_official_schema(hostile_db: str) -> None:
    sarif = json.loads(report(hostile_db, "sarif"))
    official = schema("sarif-schema-2.1.0.json")
    jsonschema.validators.validator_for(official)(official).validate(sarif)
    run = sarif["runs"][0]
    results = {
        (r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]): r for r in run["results"]
    }
    telnet = results["telnet_management_plaintext", "default/127.77.13.10/tcp-2323"]
    assert telnet["baselineState"] == "unchanged"
    assert telnet["partialFingerprints"]["muniscanFinding/v1"]
    assert telnet["suppressions"][0]["status"] == "accepted"
    assert ACCEPTED_BY in telnet["suppressions"][0]["justification"]
    assert (
        FALSE_POSITIVE_BY
        in results["telnet_management_plaintext", "default/127.77.13.11/tcp-2323"]["suppressions"][0]["justification"]
    )
    assert "suppressions" not in results["telnet_management_plaintext", "default/127.77.13.12/tcp-23"]
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "telnet_management_plaintext")
    assert "ENISA:GP-TM-08" in rule["properties"]["tags"] and "ETSI-EN-303-645:5.5-1" in rule["properties"]["tags"]
    assert rule["help"]["text"] and telnet["ruleIndex"] == run["tool"]["driver"]["rules"].index(rule)


# Field names the DefectDojo Generic Findings Import JSON parser accepts (dojo/tools/generic/json_parser.py).
DOJO_ALLOWED = {
    "title", "severity", "description", "date", "cwe", "cve", "cvssv3", "cvssv3_score", "mitigation", "impact",
    "steps_to_reproduce", "severity_justification", "references", "active", "verified", "false_p", "out_of_scope",
    "risk_accepted", "under_review", "is_mitigated", "mitigated", "param", "payload", "component_name",
    "component_version", "static_finding", "dynamic_finding", "scanner_confidence", "unique_id_from_tool",
    "vuln_id_from_tool", "service", "planned_remediation_date", "endpoints", "tags", "files", "vulnerability_ids",
}  # fmt: skip


def test_defectdojo_export_uses_only_fields_its_parser_allows(hostile_db: str) -> None:
    data = json.loads(report(hostile_db, "defectdojo"))
    assert data["findings"]
    for finding in data["findings"]:
        assert {"title", "severity", "description"} <= set(finding) <= DOJO_ALLOWED
        assert finding["severity"] in {"Info", "Low", "Medium", "High", "Critical"}
        assert all("://" in e for e in finding["endpoints"])
    by_id = {f["vuln_id_from_tool"] + f["endpoints"][0]: f for f in data["findings"]}
    assert by_id["telnet_management_plaintexttcp://127.77.13.10:2323"]["risk_accepted"] is True
    assert by_id["telnet_management_plaintexttcp://127.77.13.11:2323"]["false_p"] is True


def test_csv_cells_never_start_a_formula(hostile_db: str) -> None:
    for fmt in ("csv", "csv-assets"):
        rows = list(csv.reader(io.StringIO(report(hostile_db, fmt))))
        assert len(rows) > 1
        for row in rows:
            for value in row:
                assert not value.startswith(("=", "+", "-", "@")), value
    findings = list(csv.DictReader(io.StringIO(report(hostile_db, "csv"))))
    assert {"enisa", "confidence", "status", "exception_by", "exception_until"} <= set(findings[0])


@pytest.mark.parametrize("fmt", ["html", "md", "json", "csv", "sarif", "defectdojo"])
def test_every_format_shows_references_status_confidence_and_exceptions(hostile_db: str, fmt: str) -> None:
    out = report(hostile_db, fmt)
    for expected in ("GP-TM-08", "5.5-1", "I2", ACCEPTED_BY.split(" <")[0], FALSE_POSITIVE_BY):
        assert expected in out, (fmt, expected)
    assert any(word in out for word in ("accepted", "risk_accepted")), fmt
    assert any(c in out for c in ("1.0", "100 %", "1.00")), fmt
    if fmt in ("html", "md", "csv", "json"):
        assert "Replaced in Q3; the controller" in out and "VLAN is isolated" in out


def test_assets_csv_has_one_row_per_device_with_its_worst_active_finding(hostile_db: str) -> None:
    rows = {r["address"]: r for r in csv.DictReader(io.StringIO(report(hostile_db, "csv-assets")))}
    assert set(rows) == {"127.77.13.10", "127.77.13.11", "127.77.13.12"}
    assert rows["127.77.13.12"]["highest_severity"] == "high"
    assert rows["127.77.13.10"]["active_findings"] == "0"  # its telnet finding is an accepted risk


def test_pdf_is_written_to_a_file(hostile_db: str, tmp_path) -> None:
    target = tmp_path / "report.pdf"
    muniscan(hostile_db, "report", "security", "--format", "pdf", "--output", str(target))
    assert target.read_bytes().startswith(b"%PDF-") and target.stat().st_size > 5000


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="pdfinfo is not installed (apt-get install poppler-utils)")
def test_the_pdf_is_tagged_for_accessibility(hostile_db: str, tmp_path) -> None:
    """PDF/UA-1: a structure tree, the document's language and title, so screen readers can follow it."""
    target = tmp_path / "report.pdf"
    muniscan(hostile_db, "report", "security", "--format", "pdf", "--lang", "sv", "--output", str(target))
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info and "Säkerhetsrapport" in info
    metadata = subprocess.run(["pdfinfo", "-meta", str(target)], capture_output=True, text=True, check=True).stdout
    assert 'pdfuaid:part="1"' in metadata  # the document declares PDF/UA-1


def test_an_export_a_report_kind_cannot_take_is_refused() -> None:
    from muniscan.reports.formats import UnsupportedFormat, render

    with pytest.raises(UnsupportedFormat, match="can be written as"):
        render({"report": "procurement"}, "sarif")
