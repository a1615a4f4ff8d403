"""`muniscan policy`: validate a policy file, or show the effective policy."""

from pathlib import Path
from typing import Annotated

import typer
import yaml

from muniscan.cli.evaluate import policy_from_option
from muniscan.cli.output import console, emit_json, fail
from muniscan.policies import PolicyError, load_policy, policy_hash

app = typer.Typer(help="Scan policies: validate and show.", no_args_is_help=True)


JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


@app.command()
def validate(file: Annotated[Path, typer.Argument(help="Policy YAML file.")], as_json: JsonOption = False) -> None:
    """Check a policy; errors name the file, line and field (exit 2)."""
    try:
        loaded = load_policy(file)
    except PolicyError as exc:
        fail(str(exc))
    if as_json:
        emit_json({"file": str(file), "valid": True, "name": loaded.name, "hash": policy_hash(loaded)})
        return
    console.print(f"{file}: valid policy '{loaded.name}' (hash {policy_hash(loaded)})")


@app.command()
def show(
    policy: Annotated[
        str | None,
        typer.Argument(help="Policy file or shipped profile name (strict); default: the enisa-baseline profile."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Print the effective policy, with defaults and `extends` resolved."""
    loaded = policy_from_option(policy)
    if as_json:
        emit_json({"hash": policy_hash(loaded), "policy": loaded.model_dump(mode="json")})
        return
    typer.echo(f"# hash {policy_hash(loaded)}")
    typer.echo(yaml.safe_dump(loaded.model_dump(mode="json"), sort_keys=False))
