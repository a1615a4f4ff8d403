"""Given the kommun lab scanned once, every security report format and the privacy report are written from that
scan: the JSON and SARIF match their published schemas, the exports list the same findings, the HTML draws in
Chromium without console errors and the PDF pages render as images."""

import csv
import io
import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from muniscan.labs.topology import load_topology
from tests.reports.conftest import muniscan
from tests.reports.rendering import assert_pdf_pages_render, assert_renders_in_chromium, needs_chromium, needs_pdftoppm

pytestmark = pytest.mark.slow

SECURITY_FORMATS = ["html", "md", "json", "csv", "csv-assets", "pdf", "sarif", "defectdojo"]
PRIVACY_FORMATS = ["html", "md", "json"]


def schema(name: str) -> dict:
    return json.loads((resources.files("muniscan.reports") / "schemas" / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def kommun_reports(tmp_path_factory: pytest.TempPathFactory, muniscan_home: Path) -> Iterator[dict[str, Path]]:
    """One scan of the kommun lab (the lab stops as soon as it is scanned), and every report written once."""
    from muniscan.labs import runner as labs

    folder = tmp_path_factory.mktemp("kommun-reports")
    db = f"sqlite:///{folder / 'muniscan.sqlite'}"
    labs.up("kommun")
    try:
        muniscan(db, "scan", "--lab", "kommun", "-q")
    finally:
        labs.down("kommun")
    written: dict[str, Path] = {}
    for kind, formats in (("security", SECURITY_FORMATS), ("privacy", PRIVACY_FORMATS)):
        for fmt in formats:
            path = folder / f"{kind}-report.{fmt}"
            muniscan(db, "report", kind, "--format", fmt, "--output", str(path))
            assert path.stat().st_size > 0, path
            written[f"{kind}.{fmt}"] = path
    yield written


def loaded(reports: dict[str, Path], name: str) -> dict:
    return json.loads(reports[name].read_text(encoding="utf-8"))


def test_security_json_matches_its_schema_and_covers_the_lab(kommun_reports: dict[str, Path]) -> None:
    data = loaded(kommun_reports, "security.json")
    jsonschema.Draft202012Validator(schema("security-report.schema.json")).validate(data)
    lab = set(load_topology("kommun").addresses)
    assert {a["address"] for a in data["assets"]} <= lab
    assert data["findings"] and {f["address"] for f in data["findings"]} <= lab


def test_sarif_matches_the_official_schema(kommun_reports: dict[str, Path]) -> None:
    sarif = loaded(kommun_reports, "security.sarif")
    official = schema("sarif-schema-2.1.0.json")
    jsonschema.validators.validator_for(official)(official).validate(sarif)


def located(uri: str) -> str:
    """A finding's place as every export writes it: tcp://address:port for a service, the address for a device
    (SARIF's relative site/address/tcp-port read the same way)."""
    if "://" not in uri and "/" in uri:
        _site, address, *service = uri.split("/")
        if not service:
            return address
        transport, port = service[0].split("-")
        return f"{transport}://{address}:{port}"
    return uri.removeprefix("host://")


def test_every_export_lists_the_same_findings_and_devices(kommun_reports: dict[str, Path]) -> None:
    data = loaded(kommun_reports, "security.json")
    expected = sorted(
        (f["check_id"], f"{f['transport']}://{f['address']}:{f['port']}" if f["port"] is not None else f["address"])
        for f in data["findings"]
    )
    assert any(place.count(":") == 0 for _, place in expected)  # device-level findings too, not only services
    sarif = [
        (r["ruleId"], located(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]))
        for r in loaded(kommun_reports, "security.sarif")["runs"][0]["results"]
    ]
    dojo = [
        (f["vuln_id_from_tool"], f["endpoints"][0]) for f in loaded(kommun_reports, "security.defectdojo")["findings"]
    ]
    rows = csv.DictReader(io.StringIO(kommun_reports["security.csv"].read_text(encoding="utf-8")))
    table = [(r["check_id"], located(r["endpoint"])) for r in rows]
    assert sorted(sarif) == expected
    assert sorted(dojo) == expected
    assert sorted(table) == expected
    assets = csv.DictReader(io.StringIO(kommun_reports["security.csv-assets"].read_text(encoding="utf-8")))
    assert sorted(r["address"] for r in assets) == sorted(a["address"] for a in data["assets"])
    markdown = kommun_reports["security.md"].read_text(encoding="utf-8")
    assert all(check.replace("_", "\\_") in markdown for check, _ in expected)  # Markdown escapes the underscores


def test_privacy_report_is_written_in_every_document_format(kommun_reports: dict[str, Path]) -> None:
    data = loaded(kommun_reports, "privacy.json")
    jsonschema.Draft202012Validator(schema("privacy-report.schema.json")).validate(data)
    assert data["report"] == "privacy" and data["summary"]["flows"] > 0  # the lab's MQTT brokers publish data
    assert {t["trigger"] for t in data["dpia"]} >= {"camera"}  # the lab has cameras in public space
    assert kommun_reports["privacy.md"].read_text(encoding="utf-8").startswith("#")
    assert "<html" in kommun_reports["privacy.html"].read_text(encoding="utf-8").lower()


@needs_chromium
@pytest.mark.parametrize(("report", "min_bytes"), [("security.html", 20_000), ("privacy.html", 10_000)])
def test_html_draws_in_chromium_without_console_errors(
    kommun_reports: dict[str, Path], report: str, min_bytes: int
) -> None:
    assert_renders_in_chromium(kommun_reports[report], min_bytes=min_bytes)


@needs_pdftoppm
def test_pdf_pages_render_to_images(kommun_reports: dict[str, Path]) -> None:
    assert kommun_reports["security.pdf"].read_bytes().startswith(b"%PDF-")
    assert len(assert_pdf_pages_render(kommun_reports["security.pdf"])) > 1
