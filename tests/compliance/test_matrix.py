"""Given stored scans, when judged, then verdicts are stored and the matrix and delta read them."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from muniscan.cli.main import app
from muniscan.compliance import Status, compliance_matrix
from muniscan.judging import evaluate_scan
from muniscan.policies import load_profile, policy_hash
from muniscan.policies.frameworks import load_frameworks
from muniscan.scandiff import scan_delta
from muniscan.store import Store
from muniscan.store.models import Evaluation, ScanRun

from .conftest import CLEAN_HTTPS, LEGACY_HTTPS, TELNET, TLS_TIMEOUT  # type: ignore[import-not-found]

POLICY = load_profile()
FRAMEWORKS = load_frameworks()
runner = CliRunner()


def by_id(rows: list, requirement: str):  # type: ignore[no-untyped-def]
    return next(r for r in rows if r.id == requirement)


def test_verdicts_are_stored_with_the_policy_and_feed_the_matrix(store: Store, seed: Callable[..., ScanRun]) -> None:
    scan = seed(
        {
            "127.77.0.10": {23: TELNET, 443: CLEAN_HTTPS},
            "127.77.0.11": {443: LEGACY_HTTPS},
            "127.77.0.12": {443: CLEAN_HTTPS},
            "127.77.0.13": {443: TLS_TIMEOUT},
        }
    )
    evaluate_scan(store, scan, POLICY)
    with store.session() as session:
        rows = session.exec(select(Evaluation).where(Evaluation.scan_id == scan.id)).all()
        assert {r.policy_hash for r in rows} == {policy_hash(POLICY)} and {r.policy_name for r in rows} == {POLICY.name}
        assert "not_applicable" not in {r.verdict for r in rows}
        enisa = compliance_matrix(session, FRAMEWORKS["enisa"], scan.id)  # type: ignore[arg-type]
    tm39 = by_id(enisa, "GP-TM-39")  # tls_legacy_protocol_offered: one of three judged devices fails
    assert (tm39.status, tm39.failing, tm39.evaluated, tm39.undecided) == (Status.FAIL, 1, 3, 1)
    assert by_id(enisa, "GP-TM-08").status is Status.FAIL  # telnet
    assert by_id(enisa, "GP-PS-01").status is Status.MANUAL
    assert by_id(enisa, "GP-TM-01").status is Status.MANUAL
    assert len(enisa) == 83


def test_a_clean_scan_passes_what_it_can_prove_and_no_more(store: Store, seed: Callable[..., ScanRun]) -> None:
    scan = seed({"127.77.0.12": {443: CLEAN_HTTPS}})
    evaluate_scan(store, scan, POLICY)
    with store.session() as session:
        enisa = compliance_matrix(session, FRAMEWORKS["enisa"], scan.id)  # type: ignore[arg-type]
    assert by_id(enisa, "GP-TM-39").status is Status.PASS  # evidence: scan, and every device judged
    assert by_id(enisa, "GP-TM-08").status is Status.NOT_TESTED  # no telnet to judge
    undecided = seed({"127.77.0.12": {443: CLEAN_HTTPS}, "127.77.0.13": {443: TLS_TIMEOUT}})
    evaluate_scan(store, undecided, POLICY)
    with store.session() as session:
        tm39 = by_id(compliance_matrix(session, FRAMEWORKS["enisa"], undecided.id), "GP-TM-39")  # type: ignore[arg-type]
    assert (tm39.status, tm39.evaluated, tm39.undecided) == (Status.PARTIAL, 1, 1)


def test_re_evaluation_under_another_policy_changes_verdicts_not_the_network(
    store: Store, seed: Callable[..., ScanRun], tmp_path: Path
) -> None:
    scan = seed({"127.77.0.12": {443: CLEAN_HTTPS}})
    evaluate_scan(store, scan, POLICY)
    strict = tmp_path / "tls13.yaml"
    strict.write_text("name: tls13-only\nextends: enisa-baseline\nrequirements:\n  min_tls_version: '1.3'\n")
    result = runner.invoke(app, ["--db", store.url, "evaluate", "--policy", str(strict), "--scan", str(scan.id)])
    assert result.exit_code == 0, result.output
    assert "tls_legacy_protocol_offered" in result.output
    out = runner.invoke(app, ["--db", store.url, "compliance", "--framework", "enisa", "--json"])
    assert out.exit_code == 0, out.output
    matrix = json.loads(out.stdout)
    tm39 = next(r for r in matrix["requirements"] if r["id"] == "GP-TM-39")
    assert (tm39["status"], tm39["failing"], tm39["evaluated"]) == ("fail", 1, 1)
    with store.session() as session:
        hashes = set(session.exec(select(Evaluation.policy_hash).where(Evaluation.scan_id == scan.id)).all())
    assert len(hashes) == 2  # both judgings are kept, each under its policy's hash


def test_diff_reports_new_fixed_and_still_failing(store: Store, seed: Callable[..., ScanRun]) -> None:
    first = seed({"127.77.0.10": {23: TELNET}, "127.77.0.11": {443: LEGACY_HTTPS}})
    evaluate_scan(store, first, POLICY)
    second = seed({"127.77.0.10": {23: TELNET}, "127.77.0.11": {443: CLEAN_HTTPS}, "127.77.0.12": {443: LEGACY_HTTPS}})
    evaluate_scan(store, second, POLICY)
    with store.session() as session:
        delta = scan_delta(session, first.id, second.id)  # type: ignore[arg-type]
    assert [(r.address, r.check_id) for r in delta.new] == [("127.77.0.12", "tls_legacy_protocol_offered")]
    assert [(r.address, r.check_id) for r in delta.fixed] == [("127.77.0.11", "tls_legacy_protocol_offered")]
    assert [(r.address, r.check_id) for r in delta.still_failing] == [("127.77.0.10", "telnet_management_plaintext")]
    out = runner.invoke(app, ["--db", store.url, "diff", str(first.id), str(second.id), "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["counts"] == {"new": 1, "fixed": 1, "still_failing": 1, "not_rechecked": 0}


@pytest.mark.parametrize("framework", ["enisa", "etsi", "owasp"])
def test_compliance_command_prints_every_requirement(
    store: Store, seed: Callable[..., ScanRun], framework: str
) -> None:
    evaluate_scan(store, seed({"127.77.0.10": {23: TELNET}}), POLICY)
    out = runner.invoke(app, ["--db", store.url, "compliance", "--framework", framework])
    assert out.exit_code == 0, out.output
    assert "fail" in out.output and "manual" in out.output


def test_compliance_refuses_an_unknown_framework(store: Store, seed: Callable[..., ScanRun]) -> None:
    evaluate_scan(store, seed({"127.77.0.10": {23: TELNET}}), POLICY)
    out = runner.invoke(app, ["--db", store.url, "compliance", "--framework", "nist"])
    assert out.exit_code == 2 and "must be one of" in out.output


@pytest.mark.parametrize(
    ("devices", "gate", "code"),
    [
        ({"127.77.0.10": {23: TELNET}}, "fail", 1),  # telnet fails GP-TM-08 and others
        ({"127.77.0.11": {443: CLEAN_HTTPS}}, "fail", 0),  # nothing fails
        ({"127.77.0.11": {443: CLEAN_HTTPS}}, "not-tested", 1),  # most requirements were not tested by one service
    ],
)
def test_compliance_fail_on_gates_ci(
    store: Store, seed: Callable[..., ScanRun], devices: dict, gate: str, code: int
) -> None:
    evaluate_scan(store, seed(devices), POLICY)
    for extra in ([], ["--json"]):
        out = runner.invoke(app, ["--db", store.url, "compliance", "--fail-on", gate, *extra])
        assert out.exit_code == code, out.output
    assert runner.invoke(app, ["--db", store.url, "compliance", "--fail-on", "sometimes"]).exit_code == 2
