"""Entry point: global options, and every command group mounted in one place."""

import inspect
from pathlib import Path
from typing import Annotated

import typer

from muniscan import __version__
from muniscan.cli import agent as agent_cli
from muniscan.cli import compliance, db, diff, evaluate, findings, imports, inventory, policy, procure, scans, schedule
from muniscan.cli import dataset as dataset_cli
from muniscan.cli import flows as flows_cli
from muniscan.cli import lab as lab_cli
from muniscan.cli import report as report_cli
from muniscan.cli import scan as scan_cli
from muniscan.cli.context import AppState
from muniscan.cli.errors import HandledGroup
from muniscan.logging_setup import LogLevel, setup_logging

app = typer.Typer(
    name="muniscan",
    help="Security and privacy compliance scanning for a municipality's IoT estate.\n\n"
    "Exit codes: 0 ok; 1 findings at or above --fail-on; 2 usage, configuration or input error; "
    "3 internal error (the traceback is written to a log file).",
    cls=HandledGroup,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"muniscan {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    db_option: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="MUNISCAN_DATABASE_URL",
            help="Store: a SQLite file path or a database URL (postgresql://...).",
        ),
    ] = None,
    log_level: Annotated[
        LogLevel | None,
        typer.Option("--log-level", help="Show muniscan's log records from this level (default: warnings only)."),
    ] = None,
    log_file: Annotated[
        Path | None, typer.Option("--log-file", help="Append log records to this file instead of stderr.")
    ] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True)] = False,
) -> None:
    setup_logging(log_level, log_file)
    ctx.obj = AppState(db=db_option)


app.command("scan")(scan_cli.scan)
app.command("scans")(scans.scans)
app.add_typer(lab_cli.app, name="lab")
app.add_typer(inventory.app, name="inventory")
app.add_typer(imports.app, name="import")
app.add_typer(findings.app, name="findings")
app.add_typer(report_cli.app, name="report")
app.add_typer(procure.app, name="procure")
app.add_typer(policy.app, name="policy")
app.add_typer(db.app, name="db")
app.command("evaluate")(evaluate.evaluate)
app.add_typer(compliance.app, name="compliance")
app.command("diff")(diff.diff)
app.add_typer(schedule.app, name="schedule")
app.add_typer(flows_cli.app, name="flows")
app.add_typer(dataset_cli.app, name="dataset")
app.add_typer(agent_cli.app, name="agent")


def _first_paragraph(text: str) -> str:
    return " ".join(inspect.cleandoc(text).split("\n\n")[0].split())


def _help_of(value: object) -> str | None:
    return value if isinstance(value, str) else None


def whole_short_help(group: typer.Typer) -> None:
    """Command lists show each command's first paragraph whole; click would cut it at the terminal width with
    "...", mid-sentence. An explicit short help is wrapped, never cut."""
    for command in group.registered_commands:
        text = _help_of(command.help) or (command.callback.__doc__ if command.callback else None)
        if command.short_help is None and text:
            command.short_help = _first_paragraph(text)
    for sub in group.registered_groups:
        instance = sub.typer_instance
        if instance is None or not isinstance(instance, typer.Typer):
            continue
        callback = instance.registered_callback.callback if instance.registered_callback else None
        text = _help_of(sub.help) or _help_of(instance.info.help) or (callback.__doc__ if callback else None)
        if not _help_of(sub.short_help) and text:
            sub.short_help = _first_paragraph(text)
        whole_short_help(instance)


whole_short_help(app)


def run() -> None:
    app()
