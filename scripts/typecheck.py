"""Type-check the judging side (facts, checks, privacy) with mypy.

The repository's folders map onto one import namespace (setup.py), which mypy cannot follow through
an editable install; so this lays out `muniscan/` as symlinks under build/typecheck and checks that.
"""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUBPACKAGES = {
    "scanner": "scanner",
    "checks": "checks",
    "policies": "policies",
    "reports": "reports",
    "labs": "labs",
    "facts": "facts",
    "privacy": "privacy",
    "cli": "cli",
}
CHECKED = ["muniscan.facts", "muniscan.checks", "muniscan.privacy"]


def link_farm() -> Path:
    base = ROOT / "build" / "typecheck"
    shutil.rmtree(base, ignore_errors=True)
    package = base / "muniscan"
    package.mkdir(parents=True)
    for entry in (ROOT / "core").iterdir():
        if entry.name != "__pycache__":
            (package / entry.name).symlink_to(entry)
    for name, folder in SUBPACKAGES.items():
        (package / name).symlink_to(ROOT / folder)
    return base


def main() -> int:
    base = link_farm()
    args = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml")]
    for package in CHECKED:
        args += ["-p", package]
    return subprocess.run(args, cwd=base).returncode


if __name__ == "__main__":
    sys.exit(main())
