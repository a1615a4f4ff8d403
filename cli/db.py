"""`muniscan db`: where the store is, and bringing its schema up to date."""

import typer

from muniscan.cli.context import state
from muniscan.cli.output import console
from muniscan.store.db import display_url

app = typer.Typer(help="The store: location and schema migrations.", no_args_is_help=True)


@app.command()
def upgrade(ctx: typer.Context) -> None:
    """Apply pending schema migrations (also done automatically when the store opens)."""
    store = state(ctx).store()
    console.print(f"store {display_url(store.url)} at revision {', '.join(sorted(store.current_revisions()))}")


@app.command()
def path(ctx: typer.Context) -> None:
    """Print the store's URL (password hidden)."""
    console.print(display_url(state(ctx).store().url))
