"""`muniscan import`: bring results of approved scans made with other tools into the store."""

from pathlib import Path
from typing import Annotated

import typer

from muniscan.checks.judge import failures
from muniscan.cli.context import state
from muniscan.cli.output import console, emit_json, fail, note
from muniscan.judging import evaluate_scan
from muniscan.nmap_import import BATCH, import_nmap_xml
from muniscan.policies import PolicyError, load_policy, load_profile
from muniscan.scanner.nmap import NmapError
from muniscan.scanner.scope import OutOfScope
from muniscan.yamlfile import YamlFileError

app = typer.Typer(help="Import results of approved scans made with other tools.", no_args_is_help=True)


def _progress(done: int, total: int) -> None:
    if total > BATCH:  # a large file: say how far it is
        note(f"stored {done} of {total} host(s) in scope")


@app.command("nmap")
def import_nmap(
    ctx: typer.Context,
    report: Annotated[Path, typer.Argument(help="An nmap XML report (-oX).", exists=True, dir_okay=False)],
    policy_file: Annotated[
        Path | None, typer.Option("--policy", "-p", help="Policy whose scope the report's hosts must be in.")
    ] = None,
    site: Annotated[str, typer.Option(help="Network segment the report was made on.")] = "default",
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Store an nmap report's hosts, services and versions as a scan, then evaluate the checks on it."""
    try:
        policy = load_policy(policy_file) if policy_file else load_profile()
    except (PolicyError, YamlFileError) as exc:
        fail(str(exc))
    store = state(ctx).store()
    try:
        outcome = import_nmap_xml(store, policy, report, site=site, progress=None if as_json else _progress)
    except OutOfScope as exc:
        fail(f"import refused, nothing was stored: {exc}")
    except NmapError as exc:
        fail(f"{report}: {exc}")
    judgements = evaluate_scan(store, outcome.scan, policy)
    failing = len(failures(judgements))
    if as_json:
        emit_json(
            {
                "scan_id": outcome.scan.id,
                "hosts": outcome.hosts,
                "services": outcome.services,
                "skipped_out_of_scope": outcome.skipped,
                "failing_checks": failing,
            }
        )
        return
    if outcome.skipped:
        note(f"skipped {len(outcome.skipped)} host(s) outside the policy's scope: {', '.join(outcome.skipped[:20])}")
    console.print(
        f"imported scan {outcome.scan.id}: {outcome.hosts} host(s), {outcome.services} open service(s), "
        f"{failing} failing check(s)"
    )
