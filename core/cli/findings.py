"""`muniscan findings`: list findings, by status."""

from typing import Annotated

import typer
from muniscan import queries
from muniscan.cli.context import state
from muniscan.cli.output import emit_json, fail, table
from muniscan.store.models import FindingStatus

app = typer.Typer(help="Findings and their lifecycle.", invoke_without_command=True)

STATUSES = [s.value for s in FindingStatus]


@app.callback()
def list_findings(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(help=f"Only this status: {', '.join(STATUSES)}.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON list of objects.")] = False,
) -> None:
    """List findings (all statuses unless --status is given)."""
    if ctx.invoked_subcommand is not None:
        return
    if status is not None and status not in STATUSES:
        fail(f"--status must be one of {', '.join(STATUSES)}, not '{status}'")
    with state(ctx).store().session() as session:
        rows = queries.findings(session, status=status)
    if as_json:
        emit_json([r.to_dict() for r in rows])
        return
    table(
        f"{len(rows)} finding(s)",
        ["id", "severity", "status", "check", "address", "port", "ENISA"],
        [[r.id, r.severity, r.status, r.check_id, r.address, r.port or "", " ".join(r.enisa)] for r in rows],
    )
