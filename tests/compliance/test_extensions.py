"""Operators extend without forking: a check folder, an installed entry point, a framework file."""

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from muniscan.checks.registry import CheckLoadError, forget_loaded_checks, load_checks
from muniscan.cli.main import app
from muniscan.judging import evaluate_scan
from muniscan.policies import load_profile
from muniscan.policies.frameworks import FrameworkError, load_frameworks
from muniscan.store import Store
from muniscan.store.models import ScanRun

from .conftest import TELNET  # type: ignore[import-not-found]

runner = CliRunner()

CHECK = """
from muniscan.checks.model import CheckMeta, Level, failed, not_applicable
from muniscan.policies.schema import Severity

METADATA = CheckMeta(
    id="{name}", title="Telnet on a city lighting controller", severity=Severity.HIGH, level=Level.SERVICE,
    requires=("banner",), rationale="city rule 7", remediation="close it", enisa=("GP-TM-08",),
)


def evaluate(service, policy):
    return failed(port=service.port) if service.port == 23 else not_applicable()
"""

FRAMEWORK = """
id: city-lighting
name: City lighting security rules
version: "2026"
requirements:
  - id: CL-1
    title: No plaintext management on lighting controllers
    evidence: scan
    checks: [city_lighting_telnet, telnet_management_plaintext]
  - id: CL-2
    title: Vendor signs the city's security annex
    evidence: procurement
"""


@pytest.fixture
def fresh_registry() -> Iterator[None]:
    forget_loaded_checks()
    yield
    forget_loaded_checks()


def test_a_package_adds_a_check_through_the_entry_point_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_registry: None
) -> None:
    package = tmp_path / "city_checks"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "lighting.py").write_text(CHECK.format(name="city_entry_check"))
    info = tmp_path / "city_checks-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: city-checks\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[muniscan.checks]\ncity_entry_check = city_checks.lighting\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "city_entry_check" in {c.id for c in load_checks()}
    (info / "entry_points.txt").write_text("[muniscan.checks]\nwrong_name = city_checks.lighting\n")
    forget_loaded_checks()
    with pytest.raises(CheckLoadError, match="entry point wrong_name"):
        load_checks()


def test_a_framework_file_and_a_check_folder_feed_the_matrix(
    tmp_path: Path, store: Store, seed: Callable[..., ScanRun]
) -> None:
    folder = tmp_path / "checks"
    folder.mkdir()
    (folder / "city_lighting_telnet.py").write_text(CHECK.format(name="city_lighting_telnet"))
    framework = tmp_path / "city.yaml"
    framework.write_text(FRAMEWORK)
    with pytest.raises(FrameworkError, match="no check 'city_lighting_telnet'"):
        load_frameworks([framework], known_checks=[c.id for c in load_checks()])
    scan = seed({"127.77.0.10": {23: TELNET}})
    evaluate_scan(store, scan, load_profile(), checks_dirs=(folder,))
    base = ["--db", store.url, "compliance", "--framework-file", str(framework), "--checks-dir", str(folder)]
    out = runner.invoke(app, [*base, "--framework", "city-lighting", "--json"])
    assert out.exit_code == 0, out.output
    rows = {r["id"]: r for r in json.loads(out.stdout)["requirements"]}
    assert (rows["CL-1"]["status"], rows["CL-1"]["failing"]) == ("fail", 1)
    assert rows["CL-1"]["failing_checks"] == ["city_lighting_telnet", "telnet_management_plaintext"]
    assert rows["CL-2"]["status"] == "manual"
    refused = runner.invoke(app, ["--db", store.url, "compliance", "--framework-file", str(framework)])
    assert refused.exit_code == 2 and "no check 'city_lighting_telnet'" in refused.output


def test_every_check_a_shipped_profile_names_exists() -> None:
    known = {c.id for c in load_checks()}
    for name in ("enisa-baseline", "strict"):
        policy = load_profile(name)
        named = set(policy.checks.severity) | set(policy.checks.disable) | set(policy.checks.enable)
        assert named <= known, f"{name}: {sorted(named - known)}"


def test_strict_profile_is_stricter_than_the_baseline() -> None:
    baseline, strict = load_profile(), load_profile("strict")
    assert strict.requirements.min_tls_version == "1.2"
    assert strict.checks.severity["telnet_management_plaintext"].rank > 2
    assert strict.sla_days.critical < baseline.sla_days.critical  # type: ignore[operator]
    assert "intrusive" not in strict.probes.allow
    assert strict.scope.include == []
