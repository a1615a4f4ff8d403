"""`muniscan report`: write a report in a chosen format, to a file or standard output."""

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from muniscan.cli.context import state
from muniscan.cli.output import note
from muniscan.reports.markdown import render_security
from muniscan.reports.security import build_security_report

app = typer.Typer(help="Reports for the security officer, the DPO and procurement.", no_args_is_help=True)


class Format(StrEnum):
    MD = "md"
    JSON = "json"


def _write(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    note(f"report written to {output}")


@app.command()
def security(
    ctx: typer.Context,
    fmt: Annotated[Format, typer.Option("--format", "-f")] = Format.MD,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write; default: standard output.")
    ] = None,
) -> None:
    """Devices, services and findings with their ENISA, ETSI and OWASP references."""
    report = build_security_report(state(ctx).store())
    text = json.dumps(report, indent=2) + "\n" if fmt is Format.JSON else render_security(report)
    _write(text, output)
