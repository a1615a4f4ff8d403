"""`muniscan policy`: validate a policy file, or show the effective policy."""

from pathlib import Path
from typing import Annotated

import typer
import yaml

from muniscan.cli.output import console, fail
from muniscan.policies import PolicyError, load_policy, load_profile, policy_hash

app = typer.Typer(help="Scan policies: validate and show.", no_args_is_help=True)


@app.command()
def validate(file: Annotated[Path, typer.Argument(help="Policy YAML file.")]) -> None:
    """Check a policy; errors name the file, line and field (exit 2)."""
    try:
        loaded = load_policy(file)
    except PolicyError as exc:
        fail(str(exc))
    console.print(f"{file}: valid policy '{loaded.name}' (hash {policy_hash(loaded)})")


@app.command()
def show(
    file: Annotated[
        Path | None, typer.Argument(help="Policy file; default: the shipped enisa-baseline profile.")
    ] = None,
) -> None:
    """Print the effective policy, with defaults and `extends` resolved."""
    try:
        loaded = load_policy(file) if file else load_profile()
    except PolicyError as exc:
        fail(str(exc))
    typer.echo(f"# hash {policy_hash(loaded)}")
    typer.echo(yaml.safe_dump(loaded.model_dump(mode="json"), sort_keys=False))
