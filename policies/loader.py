"""Load policy YAML with errors that name the file, line and field."""

import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

from muniscan.policies.schema import Policy
from muniscan.yamlfile import YamlFileError, read_yaml, validate

DEFAULT_PROFILE = "enisa-baseline"


class PolicyError(YamlFileError):
    """A policy that cannot be used; the message says where and why."""


def profile_names() -> list[str]:
    folder = resources.files("muniscan.policies") / "profiles"
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def profile_path(name: str) -> Path:
    path = Path(str(resources.files("muniscan.policies") / "profiles" / f"{name}.yaml"))
    if not path.is_file():
        raise PolicyError(f"no shipped profile '{name}' (known: {', '.join(profile_names())})")
    return path


def load_profile(name: str = DEFAULT_PROFILE) -> Policy:
    return load_policy(profile_path(name))


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def resolve_extends(data: dict[str, Any], source: Path, chain: tuple[Path, ...] = ()) -> dict[str, Any]:
    """Merge a policy mapping over the profile or file it `extends`; a file that extends itself, directly or
    through others, is refused."""
    extends = data.get("extends")
    if extends is None:
        return data
    if not isinstance(extends, str):
        raise PolicyError(f"{source}: field 'extends': must be a profile name or a file path")
    is_file = extends.endswith((".yaml", ".yml"))
    parent_path = source.parent / extends if is_file else profile_path(extends)
    seen = (*chain, source.resolve())
    if parent_path.resolve() in seen:
        cycle = " -> ".join(str(p) for p in (*seen, parent_path.resolve()))
        raise PolicyError(f"{source}: field 'extends': circular: {cycle}")
    parent = _load(parent_path, seen)
    inherited = parent.model_dump(mode="json", exclude={"name", "description", "extends"})
    return _merge(inherited, data)


def load_policy(path: str | Path) -> Policy:
    """Read, merge (``extends``) and validate a policy file."""
    return _load(Path(path), ())


def _load(source: Path, chain: tuple[Path, ...]) -> Policy:
    try:
        data, node = read_yaml(source)
    except YamlFileError as exc:
        raise PolicyError(str(exc)) from None
    if not isinstance(data, dict):
        raise PolicyError(f"{source}:1: a policy is a mapping with at least a 'name'")
    try:
        return validate(Policy, resolve_extends(data, source, chain), node, source)
    except YamlFileError as exc:
        raise PolicyError(str(exc)) from None


def policy_hash(policy: Policy) -> str:
    """A content hash recorded with every result, so a verdict names the policy that made it."""
    canonical = json.dumps(policy.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]
