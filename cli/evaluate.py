"""`muniscan evaluate`: judge stored observations again under another policy, without the network."""

from pathlib import Path
from typing import Annotated

import typer
from sqlmodel import col, select

from muniscan import queries
from muniscan.cli.context import state
from muniscan.cli.output import console, emit_json, fail, note, table
from muniscan.judging import evaluate_scan
from muniscan.policies import Policy, PolicyError, load_policy, load_profile, policy_hash
from muniscan.policies.loader import profile_names
from muniscan.store import Store
from muniscan.store.models import ScanRun, ScanStatus

ChecksDirs = Annotated[list[Path] | None, typer.Option("--checks-dir", help="Extra folder of check modules.")]


def policy_from_option(value: str | None) -> Policy:
    """A policy file, or the name of a shipped profile (`strict`); default the enisa-baseline profile."""
    try:
        if value is None:
            return load_profile()
        if not Path(value).exists() and value in profile_names():
            return load_profile(value)
        return load_policy(value)
    except PolicyError as exc:
        fail(str(exc))


def chosen_scan(store: Store, scan_id: int | None) -> ScanRun:
    """The scan asked for, or the latest completed one; exits 2 when there is none."""
    with store.session() as session:
        scan = session.get(ScanRun, scan_id) if scan_id is not None else queries.latest_scan(session)
    if scan is None:
        fail(f"no scan {scan_id}" if scan_id is not None else "no completed scan in the store yet")
    return scan


def is_latest(store: Store, scan: ScanRun) -> bool:
    with store.session() as session:
        newer = session.exec(
            select(ScanRun.id).where(ScanRun.status == ScanStatus.COMPLETED.value, col(ScanRun.id) > scan.id)
        ).first()
    return newer is None


def evaluate(
    ctx: typer.Context,
    policy_option: Annotated[
        str | None, typer.Option("--policy", "-p", help="Policy file or shipped profile name.")
    ] = None,
    scan_id: Annotated[int | None, typer.Option("--scan", help="Scan ID; default the latest completed scan.")] = None,
    checks_dir: ChecksDirs = None,
    findings: Annotated[
        bool | None,
        typer.Option(
            "--findings/--no-findings",
            help="Update findings too (default: only when the scan is the latest, so history never regresses).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the verdicts as JSON.")] = False,
) -> None:
    """Re-evaluate a stored scan's observations under a policy; stores the verdicts with the policy's hash."""
    policy = policy_from_option(policy_option)
    store = state(ctx).store()
    scan = chosen_scan(store, scan_id)
    update = is_latest(store, scan) if findings is None else findings
    judgements = evaluate_scan(store, scan, policy, tuple(checks_dir or ()), update_findings=update)
    failing = [j for j in judgements if j.result.verdict.value == "fail"]
    if as_json:
        emit_json(
            {
                "scan_id": scan.id,
                "policy": policy.name,
                "policy_hash": policy_hash(policy),
                "findings_updated": update,
                "failing": [
                    {
                        "check_id": j.check.id,
                        "address": j.asset.address,
                        "port": j.service.port if j.service else None,
                        "evidence": j.result.evidence,
                    }
                    for j in failing
                ],
            }
        )
        return
    note(f"scan {scan.id} judged under policy {policy.name} ({policy_hash(policy)}); no packet was sent")
    table(
        f"{len(failing)} failing check(s)",
        ["check", "address", "port"],
        [[j.check.id, j.asset.address, j.service.port if j.service else ""] for j in failing],
    )
    console.print("findings updated" if update else "findings unchanged (verdicts stored only)")
