"""Given a vendor's sample device on a bench, when tested with its declaration, then each requirement
is pass, fail or conditional with evidence, and the report exists in every document format."""

import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from muniscan.cli.main import app

pytestmark = pytest.mark.slow
runner = CliRunner()
TEMPLATES = Path(__file__).parents[2] / "policies" / "procurement"
BENCH = """
name: procurement-bench-test
description: A sample device with telnet and a legacy TLS web interface, beside the bench scope.
policy:
  name: procurement-bench-test
  extends: enisa-baseline
  scope:
    include: [127.77.14.0/24]
    never_touch_ports: ["515", "2024", "9100-9107", "9999"]
devices:
  - name: sample
    class: device-under-test
    vendor: Vendorlab
    model: Sample-1
    firmware: "0.9.0"
    address: 127.77.14.10
    services:
      - kind: telnet
        port: 2323
        config: {banner: "Vendorlab Sample-1 <b>bold</b>", accounts: {admin: admin}}
      - kind: https
        port: 8443
        config: {tls_versions: ["1.0", "1.2"], accounts: {admin: "admin"}}
"""


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory, muniscan_home: Path) -> Iterator[dict[str, Path | str]]:
    from muniscan.labs import runner as labs

    folder = tmp_path_factory.mktemp("bench")
    topology = folder / "bench.yaml"
    topology.write_text(BENCH, encoding="utf-8")
    declaration = yaml.safe_load((TEMPLATES / "declaration-template.yaml").read_text(encoding="utf-8"))
    declaration["data_processing"]["locations"] = ["SE", "US"]
    declaration["vulnerability_disclosure"]["policy_url"] = None
    (folder / "declaration.yaml").write_text(yaml.safe_dump(declaration), encoding="utf-8")
    labs.up(str(topology))
    try:
        yield {"db": f"sqlite:///{folder / 'store.sqlite'}", "topology": topology, "folder": folder}
    finally:
        labs.down("procurement-bench-test")


def test_procure_test_judges_the_sample_and_writes_reports(bench: dict) -> None:
    folder: Path = bench["folder"]  # type: ignore[assignment]
    args = ["--requirements", str(TEMPLATES / "requirements-template.yaml"),
            "--declaration", str(folder / "declaration.yaml")]  # fmt: skip
    result = runner.invoke(
        app,
        ["--db", bench["db"], "procure", "test", "--device", "127.77.14.10", "--lab", str(bench["topology"]), *args,
         "--output", str(folder / "result.json")],
    )  # fmt: skip
    assert result.exit_code == 1, result.output  # telnet and TLS 1.0 fail mandatory requirements
    report = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    schema = json.loads(
        (resources.files("muniscan.reports") / "schemas" / "procurement-report.schema.json").read_text()
    )
    jsonschema.Draft202012Validator(schema).validate(report)
    verdicts = {r["id"]: r for r in report["requirements"]}
    assert report["overall"] == "fail"
    assert verdicts["SEC-04"]["verdict"] == "fail"
    assert any(
        line.startswith("[FAIL] telnet_management_plaintext on port 2323") for line in verdicts["SEC-04"]["evidence"]
    )
    assert verdicts["SEC-05"]["verdict"] == "fail"
    assert verdicts["PRIV-01"]["verdict"] == "fail" and "US" in verdicts["PRIV-01"]["evidence"][0]
    assert verdicts["LIFE-01"]["verdict"] == "conditional" and verdicts["LIFE-01"]["condition"]
    assert verdicts["VULN-01"]["verdict"] == "fail"  # the policy URL is mandatory and not declared
    assert verdicts["LIFE-02"]["verdict"] == "pass"

    for fmt, lang, heading in [
        ("md", "sv", "# Rapport från upphandlingstest"),
        ("html", "en", "Procurement test report"),
    ]:
        out = runner.invoke(
            app, ["--db", bench["db"], "report", "procurement", "--device", "127.77.14.10", *args,
                  "--format", fmt, "--lang", lang],
        )  # fmt: skip
        assert out.exit_code == 0, out.output
        assert heading in out.stdout and "SEC-04" in out.stdout
        assert "<b>bold</b>" not in out.stdout


def test_a_device_outside_the_policy_scope_is_refused(bench: dict) -> None:
    result = runner.invoke(
        app,
        ["--db", bench["db"], "procure", "test", "--device", "127.77.15.10", "--lab", str(bench["topology"]),
         "--requirements", str(TEMPLATES / "requirements-template.yaml"),
         "--declaration", str(TEMPLATES / "declaration-template.yaml")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "nothing was sent" in result.output
