"""Given the kommun lab (moved to its own addresses) scanned once, when a procurement test and a one-device
scheduled job run afterwards, then `report security` and `compliance` still describe the whole estate; and
the report's ENISA grid is exactly the compliance matrix, with nothing untested coloured as passing."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from muniscan.cli.main import app
from muniscan.labs import runner as labs
from muniscan.labs.topology import topology_path

pytestmark = pytest.mark.slow
cli = CliRunner()

LAB = "kommun-estate"
NETWORK, SAMPLE = "127.101.1.0/24", "127.101.2.10"
PROCUREMENT = Path(__file__).parents[2] / "policies" / "procurement"


def kommun_elsewhere() -> dict[str, Any]:
    """The kommun topology on 127.101.1.x, plus one vendor sample device beside it for a procurement test."""
    text = topology_path("kommun").read_text(encoding="utf-8").replace("127.77.1.", "127.101.1.")
    topology = yaml.safe_load(text)
    topology["name"] = LAB
    topology["policy"]["scope"]["include"] = [NETWORK, SAMPLE]
    topology["devices"].append(
        {
            "name": "vendor-sample",
            "class": "device-under-test",
            "vendor": "Vendorlab",
            "model": "Sample-1",
            "firmware": "0.9.0",
            "address": SAMPLE,
            "services": [{"kind": "telnet", "port": 2323, "config": {"accounts": {"admin": "admin"}}}],
        }
    )
    return topology


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory, muniscan_home: Path) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("estate")
    topology = kommun_elsewhere()
    lab_file = folder / "kommun-estate.yaml"
    lab_file.write_text(yaml.safe_dump(topology, sort_keys=False), encoding="utf-8")
    policy = folder / "city.yaml"
    policy.write_text(yaml.safe_dump(topology["policy"], sort_keys=False), encoding="utf-8")
    db = f"sqlite:///{folder / 'muniscan.sqlite'}"
    one_device = next(d["address"] for d in topology["devices"] if d["address"].startswith("127.101.1."))
    labs.up(str(lab_file))
    try:
        full = run(db, "scan", "--policy", str(policy), NETWORK, "--json", "-q")
        before = {
            "report": run(db, "report", "security", "--format", "json"),
            "compliance": run(db, "compliance", "--json"),
        }
        run(db, "procure", "test", "--device", SAMPLE, "--policy", str(policy),
            "--requirements", str(PROCUREMENT / "requirements-template.yaml"),
            "--declaration", str(PROCUREMENT / "declaration-template.yaml"), raw=True)  # fmt: skip
        run(db, "schedule", "add", "one-device", "--policy", str(policy), "--every", "86400", "--target", one_device,
            raw=True)  # fmt: skip
        run(db, "schedule", "run-job", "one-device", raw=True)
    finally:
        labs.down(LAB)
    yield {"db": db, "full": full, "before": before, "one_device": one_device}


def run(db: str, *args: str, raw: bool = False) -> Any:
    result = cli.invoke(app, ["--db", db, *args])
    assert result.exit_code in (0, 1), (args, result.stdout, result.stderr)  # 1: the procurement verdict is fail
    return result.stdout if raw else json.loads(result.stdout)


def test_partial_runs_do_not_take_over_the_estate_view(estate: dict[str, Any]) -> None:
    db = estate["db"]
    runs = run(db, "scans", "--json")
    assert [r["kind"] for r in runs] == ["scan", "procurement", "scan"]
    assert runs[2]["targets"] == [estate["one_device"]]
    report = run(db, "report", "security", "--format", "json")
    before = estate["before"]["report"]
    assert report["summary"]["devices"] == before["summary"]["devices"] == estate["full"]["counts"]["answering"]
    assert SAMPLE not in {a["address"] for a in report["assets"]}  # the sample device is not part of the estate
    assert report["view"] == {"kind": "estate", "site": None, "scan_id": None, "runs": [runs[0]["id"], runs[2]["id"]]}
    judged_by = {a["address"]: a["judged"]["runs"] for a in report["assets"] if a["judged"]}
    assert judged_by[estate["one_device"]] == [runs[2]["id"]]  # its verdicts now come from the newer run
    assert {tuple(r) for a, r in judged_by.items() if a != estate["one_device"]} == {(runs[0]["id"],)}
    after = run(db, "compliance", "--json")
    assert after["summary"] == estate["before"]["compliance"]["summary"]
    assert [(r["id"], r["evaluated"]) for r in after["requirements"]] == [
        (r["id"], r["evaluated"]) for r in estate["before"]["compliance"]["requirements"]
    ]
    # Asked for, the one-device run is still there to read on its own.
    alone = run(db, "compliance", "--json", "--scan", str(runs[2]["id"]))
    assert max(r["evaluated"] for r in alone["requirements"]) == 1


def test_the_report_grid_is_the_compliance_matrix(estate: dict[str, Any]) -> None:
    db = estate["db"]
    report = run(db, "report", "security", "--format", "json")
    matrix = run(db, "compliance", "--framework", "enisa", "--json")
    grid = {m["id"]: (m["state"], m["failing"], m["evaluated"]) for m in report["coverage"]["measures"]}
    assert grid == {r["id"]: (r["status"], r["failing"], r["evaluated"]) for r in matrix["requirements"]}
    assert all(m["evaluated"] > 0 for m in report["coverage"]["measures"] if m["state"] == "pass")
    assert {"GP-TM-10", "GP-TM-13"} & {m["id"] for m in report["coverage"]["measures"] if m["state"] == "pass"} == set()
    counts = report["coverage"]["technical_counts"]
    technical = [r for r in matrix["requirements"] if r["id"].startswith("GP-TM-")]
    assert counts["pass"] == sum(r["status"] == "pass" for r in technical)
    assert counts["not_tested"] == sum(r["status"] == "not tested" for r in technical)
    for lang, sentence in (("en", "were not tested by these runs"), ("sv", "testades inte i dessa körningar")):
        markdown = run(db, "report", "security", "--format", "md", "--lang", lang, raw=True)
        assert sentence in markdown and "## " + ("Method" if lang == "en" else "Metod") in markdown
