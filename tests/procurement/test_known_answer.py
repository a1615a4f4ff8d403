"""Given the procurement lab, its device under test comes with a sample declaration and a known verdict per
requirement; when `muniscan procure test` runs on it, then every verdict and the overall verdict are the known ones,
and a safe scan of the lab still finds exactly the lab's expected findings."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from muniscan.cli.main import app
from muniscan.labs.topology import builtin_names, load_topology
from muniscan.procurement.known import known_answer_path, load_known_answer
from muniscan.yamlfile import YamlFileError

runner = CliRunner()
KNOWN = known_answer_path("procurement")


def test_the_procurement_lab_ships_a_known_answer_for_its_device_under_test() -> None:
    known = load_known_answer(KNOWN)
    lab = load_topology("procurement")
    device = next(d for d in lab.devices if d.address == known.device)
    assert device.device_class == "device-under-test"
    assert list(known.verdicts) == [r.id for r in known.requirements.requirements]
    assert known.requirements_path.name == "requirements-template.yaml"
    assert known.declaration.model == device.model and known.declaration.firmware == device.firmware
    assert {"pass", "fail", "conditional"} <= set(known.verdicts.values())  # the answer exercises every outcome
    assert "procurement.declaration" not in builtin_names() and "procurement.known-verdicts" not in builtin_names()


def test_known_answer_errors_name_file_line_and_field(tmp_path: Path) -> None:
    template = KNOWN.parent.parent.parent / "policies" / "procurement" / "requirements-template.yaml"
    bad = tmp_path / "procurement.known-verdicts.yaml"
    verdicts = "".join(f"  {r}: pass\n" for r in ("SEC-01", "SEC-02", "SEC-03", "SEC-04", "SEC-05", "SEC-06",
                                                  "SEC-07", "SEC-08", "LIFE-01", "LIFE-02", "LIFE-03", "LIFE-04",
                                                  "VULN-01", "SUPPLY-01", "PRIV-01"))  # fmt: skip
    bad.write_text(
        f"lab: procurement\ndevice: 127.77.2.99\nrequirements: {template}\n"
        f"declaration: {KNOWN.parent / 'procurement.declaration.yaml'}\noverall: pass\n"
        f"known_verdicts:\n{verdicts}  SEC-99: fail\n",
        encoding="utf-8",
    )
    with pytest.raises(YamlFileError) as caught:
        load_known_answer(bad)
    assert str(caught.value).splitlines() == [
        f"{bad}:2: field 'device': 127.77.2.99 is not a device of lab 'procurement'",
        f"{bad}:6: field 'known_verdicts': no known verdict for PRIV-02",
        f"{bad}:22: field 'known_verdicts.SEC-99': no requirement 'SEC-99' in municipal-iot-baseline",
    ]
    text = bad.read_text(encoding="utf-8").replace("  SEC-99: fail\n", "  PRIV-02: maybe\n")
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(YamlFileError, match=rf"{bad}:22: field 'known_verdicts.PRIV-02': Input should be 'pass'"):
        load_known_answer(bad)
    bad.write_text(text.replace("device: 127.77.2.99", "device: 127.77.2.10").replace("PRIV-02: maybe",
                                                                                       "PRIV-02: fail"))  # fmt: skip
    with pytest.raises(YamlFileError) as caught:
        load_known_answer(bad)
    assert str(caught.value) == f"{bad}:5: field 'overall': the known verdicts make the device 'fail', not 'pass'"


@pytest.fixture(scope="module")
def procurement_lab(tmp_path_factory: pytest.TempPathFactory, muniscan_home: Path) -> Iterator[Path]:
    """The procurement lab, up, and scanned once with the lab's safe policy before any intrusive probe runs."""
    from muniscan.labs import runner as labs

    folder = tmp_path_factory.mktemp("procurement-lab")
    labs.up("procurement")
    try:
        result = runner.invoke(app, ["--db", f"sqlite:///{folder / 'safe.sqlite'}", "scan", "--lab", "procurement",
                                     "-q"])  # fmt: skip
        assert result.exit_code in (0, 1), result.output
        yield folder
    finally:
        labs.down("procurement")


@pytest.mark.slow
def test_a_safe_scan_of_the_procurement_lab_finds_exactly_its_expected_findings(procurement_lab: Path) -> None:
    result = runner.invoke(
        app, ["--db", f"sqlite:///{procurement_lab / 'safe.sqlite'}", "lab", "verify", "procurement", "--json"]
    )
    assert result.exit_code == 0, result.output
    score = json.loads(result.stdout)
    assert (score["recall"], score["precision"]) == (1.0, 1.0), score


@pytest.mark.slow
def test_procure_test_of_the_lab_device_reaches_the_known_answer(procurement_lab: Path) -> None:
    known = load_known_answer(KNOWN)
    out = procurement_lab / "procurement.json"
    result = runner.invoke(
        app,
        ["--db", f"sqlite:///{procurement_lab / 'procure.sqlite'}", "procure", "test", "--device", known.device,
         "--lab", "procurement", "--requirements", str(known.requirements_path),
         "--declaration", str(known.declaration_path), "--output", str(out)],
    )  # fmt: skip
    assert result.exit_code == (1 if known.overall == "fail" else 0), result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    seen = {r["id"]: r["verdict"] for r in report["requirements"]}
    evidence = {r["id"]: r["evidence"] for r in report["requirements"] if seen[r["id"]] != known.verdicts.get(r["id"])}
    assert seen == known.verdicts, evidence
    assert report["overall"] == known.overall
