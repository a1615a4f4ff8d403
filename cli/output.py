"""Printing for the CLI: untrusted text is stripped of escapes and never read as markup."""

import json
import sys
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from muniscan.text import terminal_safe

console = Console(highlight=False, soft_wrap=True)
errors = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def safe(value: Any, limit: int = 200) -> Text:
    """A table cell or line from data a device may control: no ANSI, no rich markup."""
    return Text(terminal_safe("" if value is None else str(value), limit=limit))


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    errors.print(Text("error: ", style="bold red") + safe(message, limit=4000), soft_wrap=True)
    raise typer.Exit(code)


def note(message: str) -> None:
    errors.print(safe(message, limit=4000), style="dim", soft_wrap=True)


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def footer(message: str) -> None:
    """A summary line after a table: on stdout at a terminal, on stderr when piped (stdout stays tab-separated)."""
    if console.is_terminal:
        console.print(safe(message, limit=4000))
    else:
        note(message)


def tab_separated(columns: list[str], rows: list[list[Any]], limit: int = 200) -> str:
    """One line per row, cells joined by tabs: what `cut`, `awk` and spreadsheets read; no value is ever split."""

    def cell(value: Any) -> str:
        return " ".join(terminal_safe("" if value is None else str(value), limit=limit).split())

    return "".join("\t".join(cell(v) for v in line) + "\n" for line in [columns, *rows])


def table(title: str, columns: list[str], rows: list[list[Any]], limit: int = 200) -> None:
    """A table on a terminal; piped or redirected, tab-separated lines with a header row (the title goes to
    stderr). `limit` caps each cell: 200 suits device-controlled text; sentences muniscan writes may need more."""
    if not console.is_terminal:
        note(title)
        sys.stdout.write(tab_separated(columns, rows, limit))
        return
    grid = Table(title=title, title_justify="left")
    for column in columns:
        grid.add_column(column, overflow="fold")
    for row in rows:
        grid.add_row(*(safe(cell, limit) for cell in row))
    console.print(grid)
