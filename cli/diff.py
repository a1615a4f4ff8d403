"""`muniscan diff SCAN_A SCAN_B`: what is new, fixed and still failing between two scans."""

from typing import Annotated

import typer

from muniscan.cli.context import state
from muniscan.cli.output import console, emit_json, fail, table
from muniscan.scandiff import scan_delta
from muniscan.store.models import ScanRun


def diff(
    ctx: typer.Context,
    old_scan: Annotated[int, typer.Argument(help="The earlier scan ID.")],
    new_scan: Annotated[int, typer.Argument(help="The later scan ID.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the delta as JSON.")] = False,
) -> None:
    """Delta report between two scans, from their stored verdicts."""
    with state(ctx).store().session() as session:
        for scan_id in (old_scan, new_scan):
            if session.get(ScanRun, scan_id) is None:
                fail(f"no scan {scan_id}")
        delta = scan_delta(session, old_scan, new_scan)
    if as_json:
        emit_json(delta.to_dict())
        return
    for title, rows in (
        ("new", delta.new),
        ("fixed", delta.fixed),
        ("still failing", delta.still_failing),
        ("not re-checked", delta.not_rechecked),
    ):
        if rows:
            table(
                f"{title}: {len(rows)}",
                ["check", "address", "port", "key"],
                [[r.check_id, r.address, r.port or "", r.key] for r in rows],
            )
    counts = delta.to_dict()["counts"]
    console.print(
        f"scan {old_scan} -> {new_scan}: {counts['new']} new, {counts['fixed']} fixed, "
        f"{counts['still_failing']} still failing, {counts['not_rechecked']} not re-checked"
    )
