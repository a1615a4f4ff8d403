"""`muniscan db`: where the store is, and bringing its schema up to date."""

from typing import Annotated

import typer

from muniscan.cli.context import state
from muniscan.cli.output import console, emit_json
from muniscan.store.db import display_url

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
