"""Given findings on two sites, the exports import where they go: SARIF locations are relative under ASSETS,
CSV opens in a Swedish Excel, and the CycloneDX BOM names its tool."""

import csv
import io
import json
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
from sqlmodel import select

from muniscan.reports.formats import sarif
from muniscan.reports.security import build_security_report
from muniscan.store import Store
from muniscan.store.models import Asset, Finding
from tests.core.test_findings_commands import a_finding

SHARED_SCHEMA = Path("/work/shared/schemas/sarif-schema-2.1.0.json")


def estate(store: Store) -> dict:
    ids = [a_finding(store, address) for address in ("127.106.20.10", "127.106.20.11", "fd00:106::20")]
    with store.session() as session:
        for finding_id in ids[1:]:
            asset = session.get(Asset, session.get(Finding, finding_id).asset_id)  # type: ignore[union-attr]
            asset.site = "depot north/2"  # type: ignore[union-attr]
            session.add(asset)
        session.commit()
        assert len(session.exec(select(Finding)).all()) == 3
    return build_security_report(store)


def schemas() -> list[dict]:
    packaged = json.loads((resources.files("muniscan.reports") / "schemas" / "sarif-schema-2.1.0.json").read_text())
    return [packaged] + ([json.loads(SHARED_SCHEMA.read_text())] if SHARED_SCHEMA.exists() else [])


def test_every_sarif_uri_is_relative_and_every_result_has_a_location(store: Store) -> None:
    log = sarif.build(estate(store))
    for official in schemas():
        jsonschema.validators.validator_for(official)(official).validate(log)
    run = log["runs"][0]
    assert "ASSETS" in run["originalUriBaseIds"]
    assert len(run["results"]) == 3
    uris = []
    for result in run["results"]:
        assert 1 <= len(result["locations"]) <= 1000
        location = result["locations"][0]
        artifact = location["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "ASSETS"
        parts = urlsplit(artifact["uri"])
        assert (parts.scheme, parts.netloc) == ("", "") and not artifact["uri"].startswith("/"), artifact["uri"]
        assert [loc["kind"] for loc in location["logicalLocations"]] == ["service", "device"]
        uris.append(artifact["uri"])
    assert sorted(uris) == [
        "default/127.106.20.10/tcp-2323",
        "depot%20north%2F2/127.106.20.11/tcp-2323",
        "depot%20north%2F2/fd00:106::20/tcp-2323",
    ]
    assert {r["properties"]["site"] for r in run["results"]} == {"default", "depot north/2"}


def test_sarif_keeps_githubs_published_limits(store: Store) -> None:
    log = sarif.build(estate(store))
    assert len(log["runs"]) <= 20
    for rule in log["runs"][0]["tool"]["driver"]["rules"]:
        assert len(rule["properties"]["tags"]) <= 20
        assert 0.0 <= float(rule["properties"]["security-severity"]) <= 10.0
    many = estate_with_copies(store, 25_010)
    assert len(many["runs"][0]["results"]) == 25_000
    assert many["runs"][0]["properties"]["resultsOmitted"] == 10


def estate_with_copies(store: Store, count: int) -> dict:
    report = build_security_report(store) if build_security_report(store)["findings"] else estate(store)
    finding = report["findings"][0]
    report["findings"] = [{**finding, "fingerprint": str(i)} for i in range(count)]
    return sarif.build(report)


@pytest.mark.parametrize("fmt", ["csv", "csv-assets"])
def test_swedish_csv_is_semicolon_separated_with_a_bom(store: Store, fmt: str) -> None:
    from muniscan.reports.formats import render

    report = estate(store)
    swedish = render(report, fmt, "sv").decode("utf-8")
    assert swedish.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(swedish.removeprefix("\ufeff")), delimiter=";"))
    assert "site" in rows[0] and len({len(row) for row in rows}) == 1 and len(rows) > 1
    english = render(report, fmt, "en").decode("utf-8")
    assert not english.startswith("\ufeff") and "," in english.splitlines()[0]
    assert render(report, fmt, "en", "excel-sv").startswith("\ufeff".encode())
    assert not render(report, fmt, "sv", "comma").startswith("\ufeff".encode())


def test_report_security_takes_a_csv_dialect(store: Store) -> None:
    from typer.testing import CliRunner

    from muniscan.cli.main import app

    estate(store)
    out = CliRunner().invoke(app, ["--db", store.url, "report", "security", "-f", "csv", "--csv-dialect", "excel-sv"])
    assert out.exit_code == 0 and out.stdout.startswith("\ufeffid;severity;")
    bad = CliRunner().invoke(app, ["--db", store.url, "report", "security", "-f", "csv", "--csv-dialect", "tab"])
    assert bad.exit_code == 2


def test_json_findings_carry_their_site_and_match_the_published_schema(store: Store) -> None:
    report = json.loads(json.dumps(estate(store), default=str))
    folder = resources.files("muniscan.reports") / "schemas"
    published = json.loads((folder / "security-report.schema.json").read_text())
    jsonschema.Draft202012Validator(published).validate(report)
    assert sorted(f["site"] for f in report["findings"]) == ["default", "depot north/2", "depot north/2"]
