"""`muniscan scans`: every run as a record of what it covered (kind, site, scope, ports, probe classes, checks)."""

from typing import Annotated

import typer
from sqlmodel import col, select

from muniscan.cli.context import state
from muniscan.cli.output import emit_json, table
from muniscan.coverage import run_record
from muniscan.store.models import ScanRun


def scans(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option(help="Only runs made on this site.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON list of objects.")] = False,
) -> None:
    """List runs, oldest first: which kind, where, when, under which policy, over which ports and probe classes."""
    query = select(ScanRun).order_by(col(ScanRun.id))
    if site is not None:
        query = query.where(ScanRun.site == site)
    with state(ctx).store().session() as session:
        records = [run_record(s) for s in session.exec(query)]
    if as_json:
        emit_json(records)
        return
    table(
        f"{len(records)} run(s)",
        ["id", "kind", "site", "status", "started", "policy", "ports", "probe classes", "checks run"],
        [
            [
                r["id"],
                r["kind"],
                r["site"],
                r["status"],
                r["started_at"][:19],
                r["policy"],
                " ".join(f"{t}:{p}" for t, p in r["ports"].items() if p) or "not recorded",
                ", ".join(r["probe_classes"]) or "not recorded",
                len(r["checks_run"]),
            ]
            for r in records
        ],
    )
