"""The layers keep their promises: judging never imports observing, the store sits below everything, no cycles.

Nodes are the import namespace's packages (`muniscan.checks`, `muniscan.privacy.flows`, ...); a module of
`core/` that is not in a package is a node of its own.
"""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {
    "core": "muniscan",
    "facts": "muniscan.facts",
    "scanner": "muniscan.scanner",
    "checks": "muniscan.checks",
    "policies": "muniscan.policies",
    "privacy": "muniscan.privacy",
    "reports": "muniscan.reports",
    "labs": "muniscan.labs",
    "cli": "muniscan.cli",
}
SPLIT = {"muniscan", "muniscan.privacy"}  # their sub-packages and modules are nodes of their own
UTILITIES = {"muniscan.text", "muniscan.paths", "muniscan.yamlfile", "muniscan"}
JUDGING = [
    "muniscan.facts",
    "muniscan.checks",
    "muniscan.store",
    "muniscan.reports",
    "muniscan.policies",
    "muniscan.privacy.datasets",
    "muniscan.privacy.detection",
]
STORE_MAY_USE = {"muniscan.store", "muniscan.facts", *UTILITIES}
FACTS_MAY_USE = {"muniscan.facts"}


def node(module: str) -> str:
    parts = module.split(".")
    for depth in (2, 3):
        if ".".join(parts[: depth - 1]) in SPLIT and len(parts) >= depth:
            prefix = ".".join(parts[:depth])
            if prefix not in SPLIT:
                return prefix
    return module


def imports(root: Path) -> list[tuple[str, str, str]]:
    """(importing node, imported node, 'file:line module') for every muniscan import under the source folders."""
    found = []
    for folder, namespace in FOLDERS.items():
        for path in sorted((root / folder).rglob("*.py")):
            rel = path.relative_to(root / folder).with_suffix("").parts
            module = ".".join([namespace, *[p for p in rel if p != "__init__"]])
            for item in ast.walk(ast.parse(path.read_text(), str(path))):
                names = (
                    [item.module]
                    if isinstance(item, ast.ImportFrom) and item.module and not item.level
                    else ([a.name for a in item.names] if isinstance(item, ast.Import) else [])
                )
                for name in names:
                    if name and name.startswith("muniscan"):
                        where = f"{path.relative_to(root)}:{item.lineno} imports {name}"
                        found.append((node(module), node(name), where))
    return found


def violations(root: Path) -> list[str]:
    found = imports(root)
    wrong = [w for src, dst, w in found if src in JUDGING and dst.startswith("muniscan.scanner")]
    wrong += [w for src, dst, w in found if src == "muniscan.store" and dst not in STORE_MAY_USE]
    wrong += [w for src, dst, w in found if src == "muniscan.facts" and dst not in FACTS_MAY_USE]
    edges: defaultdict[str, dict[str, str]] = defaultdict(dict)
    for src, dst, where in found:
        if src != dst and dst not in UTILITIES:
            edges[src].setdefault(dst, where)
    return wrong + [f"cycle {' -> '.join(c)} (first: {edges[c[0]][c[1]]})" for c in cycles(edges)]


def cycles(edges: dict[str, dict[str, str]]) -> list[list[str]]:
    """A cycle through each node that has one (nodes already started from are not walked again)."""
    found: list[list[str]] = []
    done: set[str] = set()
    for start in sorted(edges):
        stack, seen = [[start]], {start}
        while stack:
            path = stack.pop()
            if start in edges.get(path[-1], {}):
                found.append([*path, start])
                break
            for nxt in edges.get(path[-1], {}):
                if nxt not in seen and nxt not in done:
                    seen.add(nxt)
                    stack.append([*path, nxt])
        done.add(start)
    return found


def test_layers_and_no_cycles() -> None:
    assert violations(ROOT) == []


def test_a_check_importing_the_scanner_is_named(tmp_path: Path) -> None:
    for folder in FOLDERS:
        (tmp_path / folder).mkdir()
    (tmp_path / "checks" / "leaky_check.py").write_text("from muniscan.scanner.gate import Gate\n")
    (tmp_path / "scanner" / "gate.py").write_text("from muniscan.checks.leaky_check import x\n")
    found = violations(tmp_path)
    assert "checks/leaky_check.py:1 imports muniscan.scanner.gate" in found
    assert any(v.startswith("cycle muniscan.checks -> muniscan.scanner -> muniscan.checks") for v in found)


def test_every_probe_records_the_facts_type_the_table_names() -> None:
    from muniscan.facts.registry import PROBE_FACTS
    from muniscan.scanner.probes import all_probes

    assert {p.name: p.facts_type for p in all_probes()} == {p.name: PROBE_FACTS.get(p.name) for p in all_probes()}


def test_no_check_types_its_facts_as_any() -> None:
    untyped = []
    for path in sorted((ROOT / "checks" / "catalogue").glob("*.py")):
        for item in ast.walk(ast.parse(path.read_text())):
            if isinstance(item, ast.FunctionDef) and item.name == "evaluate":
                untyped += [f"{path.name}: {a.arg}" for a in item.args.args if ast.unparse(a.annotation or a) == "Any"]
    assert untyped == []
