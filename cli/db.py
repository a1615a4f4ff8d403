"""`muniscan db`: where the store is, and bringing its schema up to date."""

from typing import Annotated

import typer

from muniscan.cli.context import state
from muniscan.cli.output import console, emit_json
from muniscan.store.db import display_url
from muniscan.store.scanner_role import scanner_role_sql

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]

app = typer.Typer(help="The store: location and schema migrations.", no_args_is_help=True)


@app.command()
def upgrade(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Apply pending schema migrations (also done automatically when the store opens)."""
    store = state(ctx).store()
    if as_json:
        emit_json({"store": display_url(store.url), "revisions": sorted(store.current_revisions())})
        return
    console.print(f"store {display_url(store.url)} at revision {', '.join(sorted(store.current_revisions()))}")


@app.command()
def path(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Print the store's URL (password hidden)."""
    url = display_url(state(ctx).store().url)
    if as_json:
        emit_json({"store": url})
        return
    console.print(url)


@app.command("scanner-role")
def scanner_role(role: str = typer.Argument("muniscan_scanner", help="Name of the PostgreSQL role.")) -> None:
    """Print the SQL that creates a least-privilege role for scan agents (run it with psql as the store's owner).

    The role inserts scan results; it cannot delete anything, touch risk acceptances or schedules, or set or
    change a person's decision on a finding. Give it a password or certificate yourself."""
    try:
        console.print(scanner_role_sql(role), markup=False, highlight=False, soft_wrap=True)
    except ValueError as exc:
        from muniscan.cli.output import fail

        fail(str(exc))
