"""`muniscan inventory`: the devices seen and their open services."""

from typing import Annotated

import typer
from muniscan import queries
from muniscan.cli.context import state
from muniscan.cli.output import emit_json, table

app = typer.Typer(help="Devices and services seen by scans.", invoke_without_command=True)


@app.callback()
def list_inventory(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="A JSON list of objects.")] = False,
) -> None:
    """List assets with their open services."""
    if ctx.invoked_subcommand is not None:
        return
    with state(ctx).store().session() as session:
        rows = queries.assets(session)
    if as_json:
        emit_json([r.to_dict() for r in rows])
        return
    table(
        f"{len(rows)} device(s)",
        ["address", "vendor", "model", "firmware", "services", "last seen"],
        [
            [
                r.address,
                r.vendor or "",
                r.model or "",
                r.firmware or "",
                ", ".join(f"{s['port']}/{s['name']}" for s in r.services),
                r.last_seen.strftime("%Y-%m-%d %H:%M"),
            ]
            for r in rows
        ],
    )
