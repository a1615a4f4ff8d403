"""`muniscan diff [SCAN_A SCAN_B | --scan N] [--site S]`: what is new, fixed and still failing between two runs."""

from typing import Annotated

import typer
from sqlmodel import Session

from muniscan.cli.context import state
from muniscan.cli.output import console, emit_json, fail, table
from muniscan.estate import estate_scans, previous_run
from muniscan.scandiff import scan_delta
from muniscan.store.models import ScanKind, ScanRun


def _pair(session: Session, scan_id: int | None, site: str | None) -> tuple[int, int]:
    """--scan N against the run of its kind and site before it; else the latest two network scans (of --site)."""
    if scan_id is not None:
        newer = session.get(ScanRun, scan_id)
        if newer is None or (site is not None and newer.site != site):
            fail(f"no scan {scan_id}" + (f" on site {site!r}" if site is not None else ""))
        older = previous_run(session, newer)
        if older is None:
            fail(f"scan {scan_id} is the first {newer.kind} run of site {newer.site!r}: nothing to compare with")
        return older.id, newer.id  # type: ignore[return-value]
    scans = [s for s in estate_scans(session, site) if s.kind == ScanKind.SCAN.value]
    if len(scans) < 2:
        fail("give two scan IDs, or --scan N: fewer than two completed scans" + (f" on site {site!r}" if site else ""))
    return scans[-2].id, scans[-1].id  # type: ignore[return-value]


def diff(
    ctx: typer.Context,
    old_scan: Annotated[int | None, typer.Argument(help="The earlier scan ID.")] = None,
    new_scan: Annotated[int | None, typer.Argument(help="The later scan ID.")] = None,
    scan_id: Annotated[
        int | None, typer.Option("--scan", help="This run against the previous run of its kind and site.")
    ] = None,
    site: Annotated[str | None, typer.Option(help="Without IDs: the latest two scans of this site.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the delta as JSON.")] = False,
) -> None:
    """Delta between two runs, from their stored verdicts; "fixed" only where the newer run judged it again."""
    with state(ctx).store().session() as session:
        if old_scan is not None and new_scan is not None:
            for chosen in (old_scan, new_scan):
                if session.get(ScanRun, chosen) is None:
                    fail(f"no scan {chosen}")
        elif old_scan is not None or new_scan is not None:
            fail("give two scan IDs, or --scan N, or neither (the latest two scans)")
        else:
            old_scan, new_scan = _pair(session, scan_id, site)
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
