"""`muniscan compliance`: the per-requirement matrix of a framework, for the estate or one run."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from muniscan.checks.registry import CheckLoadError, load_checks
from muniscan.cli.context import state
from muniscan.cli.evaluate import ChecksDirs
from muniscan.cli.output import EXIT_FINDINGS, emit_json, fail, footer, table
from muniscan.compliance import Status, matrix_of, summary
from muniscan.estate import NoSuchRun, View, view_of
from muniscan.policies.frameworks import FrameworkError, load_frameworks

app = typer.Typer(help="Compliance matrix per framework requirement.", invoke_without_command=True)

# What each --fail-on level makes exit 1: the named status and every status that proves less.
GATES = {
    "fail": {Status.FAIL},
    "partial": {Status.FAIL, Status.PARTIAL},
    "not-tested": {Status.FAIL, Status.PARTIAL, Status.NOT_TESTED},
}
Gate = StrEnum("Gate", {name.replace("-", "_").upper(): name for name in GATES})  # type: ignore[misc]


def _estate_title(view: View) -> str:
    where = f" of site {view.site}" if view.site is not None else ""
    return f"the estate{where} as its latest runs left it ({len(view.runs)} run(s))"


@app.callback()
def compliance(
    ctx: typer.Context,
    framework: Annotated[
        str, typer.Option("--framework", "-f", help="enisa, etsi, owasp, or the id of a --framework-file.")
    ] = "enisa",
    scan_id: Annotated[
        int | None, typer.Option("--scan", help="One run's verdicts; default the estate's current state.")
    ] = None,
    site: Annotated[str | None, typer.Option(help="Only this site's devices and runs.")] = None,
    framework_file: Annotated[
        list[Path] | None, typer.Option("--framework-file", help="An operator's framework YAML (repeatable).")
    ] = None,
    checks_dir: ChecksDirs = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the matrix as JSON.")] = False,
    fail_on: Annotated[
        Gate | None,
        typer.Option("--fail-on", help="Exit 1 on a failing requirement (fail), also on partial, or also not tested."),
    ] = None,
) -> None:
    """Per requirement: pass, fail, partial, manual or not tested, with devices failing / evaluated.

    For a CI gate, --fail-on fail exits 1 when any requirement fails (manual requirements never do)."""
    if ctx.invoked_subcommand is not None:
        return
    try:
        known = [c.id for c in load_checks(checks_dir or ())]
        frameworks = load_frameworks(framework_file or (), known_checks=known)
    except (CheckLoadError, FrameworkError) as exc:
        fail(str(exc))
    chosen = frameworks.get(framework) or next((f for f in frameworks.values() if f.id == framework), None)
    if chosen is None:
        fail(f"--framework must be one of {', '.join(frameworks)}, not '{framework}'")
    with state(ctx).store().session() as session:
        try:
            view = view_of(session, scan_id, site)
        except NoSuchRun as exc:
            fail(str(exc))
        rows = matrix_of(view.verdicts, chosen)
    counts = summary(rows)
    gated = fail_on is not None and any(r.status in GATES[str(fail_on)] for r in rows)
    if as_json:
        emit_json(
            {
                "framework": {"id": chosen.id, "name": chosen.name, "version": chosen.version},
                "scan_id": scan_id,
                "view": view.describe(),
                "summary": counts,
                "requirements": [r.to_dict() for r in rows],
            }
        )
        if gated:
            raise typer.Exit(EXIT_FINDINGS)
        return
    table(
        f"{chosen.name} {chosen.version}, " + (f"scan {scan_id}" if scan_id is not None else _estate_title(view)),
        ["requirement", "status", "failing / evaluated", "evidence", "checks", "title"],
        [
            [
                r.id,
                r.status.value,
                f"{r.failing} / {r.evaluated}" if r.checks else "",
                r.evidence,
                ", ".join(r.failing_checks or r.checks),
                r.title[:70],
            ]
            for r in rows
        ],
    )
    footer(", ".join(f"{n} {status}" for status, n in counts.items()))
    if gated:
        raise typer.Exit(EXIT_FINDINGS)
