"""Check METADATA is the single source of truth for mappings; framework files mirror it for auditors.

`mismatches` says where a shipped file and the loaded checks disagree; `sync_file` rewrites only
the `checks: [...]` lines of a shipped file so it agrees again (run this module to do so).
"""

import re
import sys
from collections.abc import Iterable
from pathlib import Path

from muniscan.checks.registry import Check, load_checks
from muniscan.policies.frameworks.loader import builtin_framework_paths, load_framework
from muniscan.policies.frameworks.model import Framework


def cited(framework: Framework, checks: Iterable[Check]) -> dict[str, list[str]]:
    """Requirement ID -> the checks whose METADATA cites it, for a framework that references one field."""
    mapping: dict[str, list[str]] = {}
    if not framework.references:
        return mapping
    for check in sorted(checks, key=lambda c: c.id):
        for requirement_id in getattr(check.meta, framework.references):
            mapping.setdefault(requirement_id, []).append(check.id)
    return mapping


def mismatches(framework: Framework, checks: Iterable[Check]) -> list[str]:
    """Human-readable differences between the file's `checks` lists and what METADATA cites."""
    expected = cited(framework, checks)
    problems = [
        f"{framework.id}: a check cites {rid!r}, which is not a requirement of the framework ({', '.join(ids)})"
        for rid, ids in expected.items()
        if framework.requirement(rid) is None
    ]
    for requirement in framework.requirements:
        want, have = set(expected.get(requirement.id, [])), set(requirement.checks)
        if want - have:
            problems.append(f"{framework.id} {requirement.id}: add {sorted(want - have)} to its checks")
        if have - want:
            problems.append(f"{framework.id} {requirement.id}: {sorted(have - want)} do not cite it in METADATA")
    return problems


def sync_file(path: Path, checks: Iterable[Check]) -> int:
    """Rewrite each requirement's `checks:` line from METADATA; returns how many lines changed."""
    framework = load_framework(path)
    expected = cited(framework, checks)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    current, changed = None, 0
    for index, line in enumerate(lines):
        found = re.match(r"^  - id: \"?([^\"\n]+)\"?\s*$", line)
        if found:
            current = found.group(1)
        elif current and re.match(r"^    checks: \[.*\]\s*$", line):
            new = f"    checks: [{', '.join(expected.get(current, []))}]\n"
            if new != line:
                lines[index], changed = new, changed + 1
    path.write_text("".join(lines), encoding="utf-8")
    return changed


def main(argv: list[str]) -> int:
    checks = load_checks()
    for path in builtin_framework_paths().values():
        print(f"{path.name}: {sync_file(path, checks)} requirement(s) updated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
