"""Generalisation advice for the dataset audit: which hierarchy levels would make the quasi-identifiers
k-anonymous, shown with a safe example value; the search itself is in generalisation.py."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter

import numpy as np

from muniscan.privacy.datasets.anonymity import AnonymityResult, quasi_identifier_classes
from muniscan.privacy.datasets.generalisation import (
    Hierarchy,
    HierarchyError,
    apply_levels,
    hierarchy_files,
    kept_as_is,
    optimal_generalisation,
    read_hierarchy,
)
from muniscan.privacy.datasets.reidentification import reidentification_risk
from muniscan.privacy.datasets.table import Table


@dataclass(frozen=True)
class ColumnGeneralisation:
    """One quasi-identifier's level in a suggested generalisation, with a value and what it becomes."""

    column: str
    hierarchy: str
    level: int
    top_level: int
    loss: float | None  # ARX's normalised loss, 0 = as given, 1 = suppressed; None when k is out of reach
    example: str | None  # None for identifier columns: their values are never shown
    becomes: str | None


@dataclass(frozen=True)
class GeneralisationSuggestion:
    """The least-lossy full-domain generalisation (ARX's Loss with RANK, no suppression) that would make the
    quasi-identifiers k-anonymous; only suggested, no data is written. Columns without a hierarchy are `kept`
    as they are. When k is out of `reachable`, the columns stand at the top of their hierarchies and k,
    classes and risks are what even that leaves."""

    k_target: int
    reachable: bool
    columns: list[ColumnGeneralisation]
    kept: list[str]
    k: int
    classes: int
    prosecutor_average: float
    prosecutor_highest: float
    ties: list[dict[str, int]]
    seconds: float


def load_hierarchies(
    source: Path | str | Mapping[str, Hierarchy], table: Table
) -> tuple[dict[str, Hierarchy], list[str]]:
    """Hierarchies of the table's columns from a folder (or a mapping), and notes on those for absent columns,
    which are not read: a stray file must not stop the audit, but the DPO should see it was not used."""
    if isinstance(source, Mapping):
        given: Mapping[str, Hierarchy | Path] = source
    else:
        given = hierarchy_files(source)
        if not given:
            raise HierarchyError(f"{source}: no hierarchy files (<column>.csv or <name>_hierarchy_<column>.csv)")
    notes = [
        f"hierarchy {_source(h)} not used: the table has no column {column!r}"
        for column, h in given.items()
        if column not in table.columns
    ]
    hierarchies = {
        column: h if isinstance(h, Hierarchy) else read_hierarchy(h)
        for column, h in given.items()
        if column in table.columns
    }
    return hierarchies, notes


def _source(hierarchy: Hierarchy | Path) -> str:
    return hierarchy.source if isinstance(hierarchy, Hierarchy) else str(hierarchy)


def _example(values: Sequence[str | None], hierarchy: Hierarchy, level: int, k: int) -> tuple[str | None, str | None]:
    """A value shared by at least k records (so it singles no one out), else the hierarchy's first value,
    and its label at `level`."""
    counts = Counter(value for value in values if value is not None)
    value, count = counts.most_common(1)[0] if counts else (None, 0)
    if count < k:
        value = next((row[0] for i, row in enumerate(hierarchy.rows) if i != hierarchy.missing_row), None)
    if value is None:
        return None, None
    return value, apply_levels({"v": [value]}, {"v": hierarchy}, {"v": level})["v"][0]


def suggest_generalisation(
    columns: Mapping[str, Sequence[str | None]],
    hierarchies: Mapping[str, Hierarchy],
    k: int,
    identifying: Collection[str] = (),
) -> GeneralisationSuggestion:
    """The least-lossy generalisation of the quasi-identifiers `columns` (the records as audited) to k-anonymity;
    columns without a hierarchy are kept as they are, and no example is shown for `identifying` columns."""
    chosen = {name: hierarchies.get(name) or kept_as_is(values, name) for name, values in columns.items()}
    started = perf_counter()
    found = optimal_generalisation(columns, chosen, k)
    seconds = round(perf_counter() - started, 3)
    with_hierarchy = [name for name in columns if name in hierarchies]
    if found is None:
        levels = {name: hierarchy.height - 1 for name, hierarchy in chosen.items()}
        sizes = quasi_identifier_classes(apply_levels(columns, chosen, levels), list(columns))[0].sizes
        loss: dict[str, float] = {}
        ties: list[dict[str, int]] = []
    else:
        levels, sizes, loss = found.levels, found.class_sizes, found.loss
        ties = [{name: tie[name] for name in with_hierarchy} for tie in found.ties]
    steps = []
    for name in with_hierarchy:
        hierarchy = hierarchies[name]
        example, becomes = (None, None) if name in identifying else _example(columns[name], hierarchy, levels[name], k)
        steps.append(
            ColumnGeneralisation(
                name, hierarchy.source, levels[name], hierarchy.height - 1, loss.get(name), example, becomes
            )
        )
    risk = reidentification_risk(sizes)
    return GeneralisationSuggestion(
        k_target=k,
        reachable=found is not None,
        columns=steps,
        kept=[name for name in columns if name not in hierarchies],
        k=int(sizes.min()),
        classes=len(sizes),
        prosecutor_average=risk.prosecutor_average,
        prosecutor_highest=risk.prosecutor_highest,
        ties=ties,
        seconds=seconds,
    )


def suggestion_for_audit(
    table: Table,
    qis: list[str],
    kept: np.ndarray,
    hierarchies: dict[str, Hierarchy],
    anonymity: AnonymityResult,
    k: int,
    identifying: set[str],
    notes: list[str],
) -> GeneralisationSuggestion | None:
    """Check that the hierarchies cover the audited records, then suggest a generalisation if k is not met."""
    rows = None if kept.all() else np.flatnonzero(kept)
    columns = {c: table.columns[c] if rows is None else [table.columns[c][i] for i in rows] for c in qis}
    for column in qis:
        if column in hierarchies:
            hierarchies[column].leaf_rows(columns[column], column)
    unused = [c for c in hierarchies if c not in qis]
    if unused:
        notes.append(f"hierarchies not used, the columns are no quasi-identifiers: {', '.join(unused)}")
    if not any(c in hierarchies for c in qis):
        notes.append("no quasi-identifier has a hierarchy: no generalisation suggested")
        return None
    if not anonymity.records_evaluated:
        notes.append("no records to generalise")
        return None
    if anonymity.k >= k:
        notes.append(f"the quasi-identifiers are {k}-anonymous as given: no generalisation suggested")
        return None
    return suggest_generalisation(columns, hierarchies, k, identifying)


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def generalisation_hint(suggestion: GeneralisationSuggestion | None) -> list[str]:
    """The singling-out hint: which hierarchy levels would reach k, or that none does."""
    if suggestion is None:
        return []
    kept = f"; without a hierarchy and kept as they are: {', '.join(suggestion.kept)}" if suggestion.kept else ""
    if not suggestion.reachable:
        return [
            f"no generalisation with the given hierarchies makes the table {suggestion.k_target}-anonymous: "
            f"at the top of every hierarchy the smallest class has {suggestion.k} record(s){kept}"
        ]
    steps = [f"{c.column} to level {c.level}" for c in suggestion.columns if c.level]
    return [
        f"generalising {_listed(steps)} would make the table {suggestion.k_target}-anonymous (smallest class "
        f"{suggestion.k}, {suggestion.classes} classes){kept}"
    ]
