"""Given a scan interrupted while its observations are being judged, the scan is not called completed, no
finding is half-updated, and `muniscan evaluate` judges the stored observations afterwards."""

from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from muniscan.checks.registry import forget_loaded_checks
from muniscan.cli.main import app
from muniscan.pipeline import run_scan
from muniscan.policies.schema import Policy
from muniscan.store import Store
from muniscan.store.models import Finding, ScanRun, ScanStatus

INTERRUPTING_CHECK = """
from muniscan.checks.model import CheckMeta, Level
from muniscan.policies.schema import Severity

METADATA = CheckMeta(
    id="{name}", title="Stands for an operator pressing Ctrl-C mid-judgement", severity=Severity.LOW,
    level=Level.SERVICE, requires=("banner",), rationale="test", remediation="none", enisa=("GP-TM-08",),
)


def evaluate(service, policy):
    raise KeyboardInterrupt("Ctrl-C while judging")
"""


@pytest.fixture
def interrupting_checks(tmp_path: Path):
    folder = tmp_path / "checks"
    folder.mkdir()
    (folder / "ctrl_c_while_judging.py").write_text(INTERRUPTING_CHECK.format(name="ctrl_c_while_judging"))
    forget_loaded_checks()
    yield folder
    forget_loaded_checks()


def test_interrupt_while_judging_leaves_an_interrupted_scan_that_evaluate_can_judge(
    greeters: dict[tuple[str, int], bytes], interrupting_checks: Path, tmp_path: Path
) -> None:
    address, port = next((a, p) for a, p in greeters if p == 2323)  # a telnet login on a street light
    policy = Policy.model_validate(
        {
            "name": "judging-interrupt-test",
            "scope": {"include": [address], "never_touch_ports": ["2024"]},
            "discovery": {"tcp_ports": [port], "udp_ports": []},
        }
    )
    db = f"sqlite:///{tmp_path / 'judging.sqlite'}"
    store = Store(db)
    with pytest.raises(KeyboardInterrupt):
        run_scan(store, policy, [], checks_dirs=(interrupting_checks,))
    with store.session() as session:
        (scan,) = session.exec(select(ScanRun)).all()
        assert session.exec(select(Finding)).all() == []
    assert scan.status == ScanStatus.INTERRUPTED.value and scan.finished_at is not None
    assert "while judging" in (scan.error or "") and scan.counts["answering"] == 1

    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text(policy.model_dump_json())  # JSON is YAML
    result = CliRunner().invoke(
        app, ["--db", db, "evaluate", "--scan", str(scan.id), "--policy", str(policy_file), "--findings", "--json"]
    )
    assert result.exit_code in (0, 1), result.output
    with store.session() as session:
        checks = {f.check_id for f in session.exec(select(Finding)).all()}
    assert "telnet_management_plaintext" in checks
