"""Load checks from the catalogue (and operators' folders), validating each as it loads.

A check module defines `METADATA: CheckMeta` and `evaluate(...)`; its file name is its ID.
No import side effects register anything: the loader reads what each module declares.
Installed packages add checks through the `muniscan.checks` entry point group: each entry's
name is the check ID and its value the module (`city_checks.camera_rtsp_open = city_checks.rtsp`).
"""

import importlib
import importlib.metadata
import importlib.util
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from muniscan.checks.model import CheckMeta


class CheckLoadError(ValueError):
    """A check folder or module that cannot be used; the message names the folder or file."""


@dataclass(frozen=True)
class Check:
    meta: CheckMeta
    evaluate: Callable[..., Any]
    source: str

    @property
    def id(self) -> str:
        return self.meta.id


def _validated(module: ModuleType, name: str, source: str) -> Check:
    meta = getattr(module, "METADATA", None)
    evaluate = getattr(module, "evaluate", None)
    if not isinstance(meta, CheckMeta) or not callable(evaluate):
        raise CheckLoadError(f"{source}: a check module defines METADATA (CheckMeta) and evaluate()")
    if meta.id != name:
        raise CheckLoadError(f"{source}: METADATA.id is {meta.id!r} but the module is named {name!r}")
    problems = meta.problems()
    if problems:
        raise CheckLoadError(f"{source}: " + "; ".join(problems))
    return Check(meta, evaluate, source)


def _builtin() -> list[Check]:
    package = importlib.import_module("muniscan.checks.catalogue")
    found = []
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        found.append(_validated(module, info.name, module.__file__ or info.name))
    return found


def _checked_folder(folder: Path) -> list[Path]:
    """The modules of an operator's check folder. They run with the scanner's rights, so a folder or module
    that other users may write to is refused, as is a folder that does not exist."""
    if not folder.is_dir():
        raise CheckLoadError(f"{folder}: no such folder of checks")
    modules = [p for p in sorted(folder.glob("*.py")) if not p.name.startswith("_")]
    for path in (folder, *modules):
        if path.stat().st_mode & 0o002:
            raise CheckLoadError(
                f"{path}: writable by every user, yet it would run with the scanner's rights: chmod o-w it"
            )
    return modules


def _from_folder(folder: Path) -> list[Check]:
    found = []
    for path in _checked_folder(folder):
        spec = importlib.util.spec_from_file_location(f"muniscan_extra_checks.{path.stem}", path)
        if spec is None or spec.loader is None:
            raise CheckLoadError(f"{path}: cannot be imported")
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            raise CheckLoadError(f"{path}: failed to import: {type(exc).__name__}: {exc}") from None
        found.append(_validated(module, path.stem, str(path)))
    return found


ENTRY_POINT_GROUP = "muniscan.checks"


def _from_entry_points() -> list[Check]:
    found = []
    for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        source = f"entry point {entry.name} = {entry.value}"
        try:
            module = entry.load()
        except Exception as exc:
            raise CheckLoadError(f"{source}: failed to import: {type(exc).__name__}: {exc}") from None
        if not isinstance(module, ModuleType):
            raise CheckLoadError(f"{source}: must name a check module, not {type(module).__name__}")
        found.append(_validated(module, entry.name, source))
    return found


@cache
def _load(extra: tuple[Path, ...]) -> tuple[Check, ...]:
    checks = _builtin() + _from_entry_points() + [c for folder in extra for c in _from_folder(folder)]
    seen: dict[str, str] = {}
    for check in checks:
        if check.id in seen:
            raise CheckLoadError(f"{check.source}: check ID {check.id!r} is also defined in {seen[check.id]}")
        seen[check.id] = check.source
    return tuple(sorted(checks, key=lambda c: c.id))


def load_checks(extra_dirs: Iterable[Path] = ()) -> tuple[Check, ...]:
    return _load(tuple(Path(p).resolve() for p in extra_dirs))


def forget_loaded_checks() -> None:
    """Drop the cache, so newly installed entry points or edited folders are read again."""
    _load.cache_clear()
