"""Given a hardened sample and a plain one on a bench (127.106.14.0/24), when tested, then an absent forbidden
service is passing evidence, the samples stay on the procurement site, and the PDF shows every evidence line whole."""

import html
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from muniscan.cli.main import app

pytestmark = pytest.mark.slow
runner = CliRunner()
TEMPLATES = Path(__file__).parents[2] / "policies" / "procurement"
LONG_BANNER = "Vendorlab-Sample-2/firmware-0.9.0-build-2025-03-01-rc7+debug_console_enabled_on_port_2323_for_support"
BENCH = f"""
name: h16-hardened-bench
description: A hardened sample (TLS web only) and a plain one with a long telnet banner.
policy:
  name: h16-hardened-bench
  extends: enisa-baseline
  scope:
    include: [127.106.14.0/24]
    never_touch_ports: ["515", "2024", "9100-9107", "9999"]
devices:
  - name: hardened
    class: device-under-test
    vendor: Klimatec
    model: BMS-Web 4
    firmware: "4.1.0"
    address: 127.106.14.10
    hardened: true
    services:
      - kind: https
        port: 8443
        config: {{tls_versions: ["1.2", "1.3"], accounts: {{ops: "K1imat-Ref-2025"}}, lockout_after: 5}}
  - name: plain
    class: device-under-test
    vendor: Vendorlab
    model: Sample-2
    firmware: "0.9.0"
    address: 127.106.14.11
    services:
      - kind: telnet
        port: 2323
        config: {{banner: "{LONG_BANNER}", accounts: {{admin: "Vl-5a7c-Q2"}}, lockout_after: 5}}
      - kind: mqtt
        port: 1883
        config: {{accounts: {{admin: admin}}}}
"""


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory, muniscan_home: Path) -> Iterator[dict[str, str]]:
    from muniscan.labs import runner as labs

    folder = tmp_path_factory.mktemp("h16-bench")
    topology = folder / "bench.yaml"
    topology.write_text(BENCH, encoding="utf-8")
    labs.up(str(topology))
    try:
        yield {"db": f"sqlite:///{folder / 'store.sqlite'}", "lab": str(topology), "folder": str(folder)}
    finally:
        labs.down("h16-hardened-bench")


def procure(bench: dict[str, str], device: str, *extra: str) -> tuple[int, str]:
    result = runner.invoke(
        app,
        [
            "--db",
            bench["db"],
            "procure",
            "test",
            "--device",
            device,
            "--lab",
            bench["lab"],
            "--requirements",
            str(TEMPLATES / "requirements-template.yaml"),
            "--declaration",
            str(TEMPLATES / "declaration-template.yaml"),
            *extra,
        ],
    )
    return result.exit_code, result.stdout


def test_a_hardened_sample_passes_the_no_plaintext_and_no_unauthenticated_requirements(bench: dict[str, str]) -> None:
    code, out = procure(bench, "127.106.14.10", "--format", "json")
    report = json.loads(out)  # -f json with no --output prints the report, not a table
    verdicts = {r["id"]: r for r in report["requirements"]}
    assert verdicts["SEC-04"]["verdict"] == "pass", verdicts["SEC-04"]["evidence"]
    assert verdicts["SEC-03"]["verdict"] == "pass", verdicts["SEC-03"]["evidence"]
    assert (
        "[pass] telnet_management_plaintext: not applicable: no TELNET service (tcp 23/2323 closed in scan"
        in " | ".join(verdicts["SEC-04"]["evidence"])
    )
    assert any("not applicable: no MQTT or MQTTS service" in line for line in verdicts["SEC-03"]["evidence"])
    for r in report["requirements"]:
        assert "did not run" not in " ".join(r["evidence"])
        assert (r["verdict"] == "conditional") == bool(r["condition"]), r
    assert report["device"]["site"] == "procurement"
    assert code == (1 if report["overall"] == "fail" else 0)
    args = [
        "--db",
        bench["db"],
        "report",
        "procurement",
        "--device",
        "127.106.14.10",
        "--format",
        "json",
        "--requirements",
        str(TEMPLATES / "requirements-template.yaml"),
        "--declaration",
        str(TEMPLATES / "declaration-template.yaml"),
    ]
    again = json.loads(runner.invoke(app, [*args, "--lab", bench["lab"]]).stdout)
    assert {r["id"]: r["verdict"] for r in again["requirements"]} == {r: v["verdict"] for r, v in verdicts.items()}
    recorded = json.loads(runner.invoke(app, args).stdout)  # without the policy: the ports the scan recorded
    assert {r["id"]: r["verdict"] for r in recorded["requirements"]} == {r: v["verdict"] for r, v in verdicts.items()}


def test_samples_stay_off_the_production_site(bench: dict[str, str]) -> None:
    procure(bench, "127.106.14.11", "--site", "bench-a")
    production = runner.invoke(app, ["--db", bench["db"], "inventory", "--site", "default", "--json"])
    assert json.loads(production.stdout) == []
    sample = runner.invoke(app, ["--db", bench["db"], "inventory", "--site", "bench-a", "--json"])
    assert [a["address"] for a in json.loads(sample.stdout)] == ["127.106.14.11"]


WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>')


def pdf_words(pdf: Path) -> list[tuple[float, list[tuple[float, float, float, str]]]]:
    """Per page: its width and its words (x, y, right edge, text), from pdftotext's bounding boxes."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in re.split(r"<page ", out)[1:]:
        width = float(re.match(r'width="([\d.]+)"', page).group(1))  # type: ignore[union-attr]
        words = [(float(a), float(b), float(c), html.unescape(t)) for a, b, c, t in WORD.findall(page)]
        pages.append((width, words))
    return pages


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed (poppler-utils)")
def test_the_pdf_shows_every_evidence_line_whole(bench: dict[str, str]) -> None:
    procure(bench, "127.106.14.11")
    pdf = Path(bench["folder"]) / "plain.pdf"
    args = [
        "--db",
        bench["db"],
        "report",
        "procurement",
        "--device",
        "127.106.14.11",
        "--lab",
        bench["lab"],
        "--requirements",
        str(TEMPLATES / "requirements-template.yaml"),
        "--declaration",
        str(TEMPLATES / "declaration-template.yaml"),
    ]
    assert runner.invoke(app, [*args, "--format", "pdf", "-o", str(pdf)]).exit_code == 0
    report = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)
    pages = pdf_words(pdf)
    outside = [w for width, words in pages for w in words if w[2] > width]
    assert not outside, outside  # nothing runs off the page edge
    header = next(w for w in pages[0][1] if w[3] == "Evidence")
    column = "".join(
        w[3] for _, words in pages for w in sorted(words, key=lambda w: (w[1], w[0])) if w[0] >= header[0] - 1
    )
    lines = [line for r in report["requirements"] for line in [*r["evidence"], r["condition"]] if line]
    assert any("default_credentials_accepted on port 1883" in line for line in lines)
    missing = [line for line in lines if re.sub(r"\s+", "", line) not in column]
    assert not missing, missing
