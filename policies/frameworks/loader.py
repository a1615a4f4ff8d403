"""Load framework files with errors that name the file, line and field, as policies do."""

from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from muniscan.policies.frameworks.model import Framework
from muniscan.yamlfile import YamlFileError, line_of, read_yaml, validate

# Short names accepted by `--framework`, in display order.
BUILTIN = {
    "enisa": "enisa-iot-baseline-2017.yaml",
    "etsi": "etsi-en-303-645-v2.1.1.yaml",
    "owasp": "owasp-iot-2018.yaml",
}


class FrameworkError(YamlFileError):
    """A framework file that cannot be used; each line says where and why."""


def builtin_framework_paths() -> dict[str, Path]:
    folder = resources.files("muniscan.policies") / "frameworks"
    return {short: Path(str(folder / name)) for short, name in BUILTIN.items()}


def _duplicate_ids(data: dict[str, Any], node: yaml.Node | None, source: Path) -> list[str]:
    seen: dict[str, int] = {}
    problems = []
    for index, item in enumerate(data.get("requirements") or []):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        line = line_of(node, ("requirements", index, "id"))
        if item["id"] in seen:
            problems.append(
                f"{source}:{line}: field 'requirements.{index}.id': "
                f"{item['id']!r} is already used on line {seen[item['id']]}"
            )
        else:
            seen[item["id"]] = line or 0
    return problems


def _unknown_checks(framework: Framework, node: yaml.Node | None, source: Path, known: set[str]) -> list[str]:
    problems = []
    for i, requirement in enumerate(framework.requirements):
        for j, check_id in enumerate(requirement.checks):
            if check_id not in known:
                line = line_of(node, ("requirements", i, "checks", j))
                problems.append(
                    f"{source}:{line}: field 'requirements.{i}.checks.{j}': "
                    f"no check {check_id!r} is loaded (requirement {requirement.id})"
                )
    return problems


def load_framework(path: str | Path, known_checks: Iterable[str] | None = None) -> Framework:
    """Read and validate one framework; with `known_checks`, every referenced check must be among them."""
    source = Path(path)
    try:
        data, node = read_yaml(source)
        if not isinstance(data, dict):
            raise FrameworkError(f"{source}:1: a framework is a mapping with 'id', 'name' and 'requirements'")
        problems = _duplicate_ids(data, node, source)
        if problems:
            raise FrameworkError("\n".join(problems))
        framework = validate(Framework, data, node, source)
    except FrameworkError:
        raise
    except YamlFileError as exc:
        raise FrameworkError(str(exc)) from None
    if known_checks is not None:
        problems = _unknown_checks(framework, node, source, set(known_checks))
        if problems:
            raise FrameworkError("\n".join(problems))
    return framework


def load_frameworks(
    extra_files: Iterable[Path] = (), known_checks: Iterable[str] | None = None
) -> dict[str, Framework]:
    """The shipped frameworks by short name, plus operators' files by their own `id`."""
    known = set(known_checks) if known_checks is not None else None
    found = {short: load_framework(path, known) for short, path in builtin_framework_paths().items()}
    for path in extra_files:
        framework = load_framework(path, known)
        if framework.id in found or framework.id in {f.id for f in found.values()}:
            raise FrameworkError(f"{path}:1: field 'id': framework {framework.id!r} is already defined")
        found[framework.id] = framework
    return found
