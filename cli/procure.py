"""`muniscan procure test`: scan one sample device (intrusive probes allowed), judge it against requirements."""

from pathlib import Path
from typing import Annotated

import typer

from muniscan.cli.context import state
from muniscan.cli.output import EXIT_FINDINGS, fail, note, table
from muniscan.cli.report import DocumentFormat, LabOption, LangOption, PolicyOption, base_policy, emit
from muniscan.procurement.model import load_declaration, load_requirements
from muniscan.procurement.report import PROCUREMENT_SITE, build_procurement_report
from muniscan.procurement.run import sample_policy, scan_sample
from muniscan.scanner.scope import OutOfScope
from muniscan.yamlfile import YamlFileError

app = typer.Typer(help="Procurement: test a vendor's sample device against requirements.", no_args_is_help=True)

RequirementsOption = Annotated[Path, typer.Option("--requirements", help="Requirements YAML (policies/procurement).")]
DeclarationOption = Annotated[Path, typer.Option("--declaration", help="The vendor's declaration YAML.")]


def load_inputs(requirements: Path, declaration: Path):  # type: ignore[no-untyped-def]
    try:
        return load_requirements(requirements), load_declaration(declaration)
    except YamlFileError as exc:
        fail(str(exc))


@app.command("test")
def test(
    ctx: typer.Context,
    device: Annotated[str, typer.Option("--device", help="Address of the sample device.")],
    requirements: RequirementsOption,
    declaration: DeclarationOption,
    policy_file: PolicyOption = None,
    lab: LabOption = None,
    fmt: Annotated[
        DocumentFormat | None,
        typer.Option("--format", "-f", help="Report format (default json with --output; without it, a table)."),
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report here.")] = None,
    lang: LangOption = "en",  # type: ignore[assignment]
    site: Annotated[
        str, typer.Option("--site", help="Site the sample is stored under, apart from production devices.")
    ] = PROCUREMENT_SITE,
) -> None:
    """Scan the device with all safe and intrusive probes, add the declaration, and say pass, fail or conditional.

    With --format and no --output the report goes to stdout; with neither, a table does."""
    wanted, declared = load_inputs(requirements, declaration)
    base = base_policy(policy_file, lab)
    store = state(ctx).store()
    note(f"procurement test of {device}: intrusive probes allowed for this run only")
    try:
        scan_sample(store, base, device, site)
    except OutOfScope as exc:
        fail(f"refused, nothing was sent: {exc}")
    report = build_procurement_report(store, device, wanted, declared, site, sample_policy(base, device))
    if output is None and fmt is not None:
        emit(report, str(fmt), str(lang), None)
        raise typer.Exit(EXIT_FINDINGS if report["overall"] == "fail" else 0)
    table(
        f"{device}: {report['overall']}",
        ["requirement", "level", "result", "basis", "condition"],
        [[r["id"], r["level"], r["verdict"], r["basis"], r["condition"]] for r in report["requirements"]],
    )
    if output is not None:
        emit(report, str(fmt or "json"), str(lang), output)
    if report["overall"] == "fail":
        raise typer.Exit(EXIT_FINDINGS)
