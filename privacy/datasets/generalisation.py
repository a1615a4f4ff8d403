"""Full-domain generalisation: the least-lossy set of hierarchy levels that makes a table k-anonymous.

When a DPO supplies value hierarchies for the quasi-identifiers, the audit can go beyond "this
table is not k-anonymous" and suggest how far each column must be coarsened. Hierarchies use
ARX's CSV format: one row per original value, followed by its generalisations level by level.

Search space: every combination of one level per column (the generalisation lattice), with no
record suppression. k-anonymity is monotone in the lattice (coarsening merges classes), so one
check prunes a whole cone: a k-anonymous transformation makes everything above it k-anonymous,
a failing one makes everything below it fail.

Quality model: ARX's "Loss" (Iyengar 2002) with the RANK aggregate, as ARX computes it:
  * share(v) = hierarchy rows whose label at that level equals v / hierarchy rows (|D|; rows the
    data never uses still count);
  * per column, loss = (sum over records of share - n/|D|) / (n - n/|D|), so the original data
    scores 0 and full suppression 1 (0 when |D| = 1), then floored to 10 decimals;
  * RANK: the per-column losses sorted in descending order, compared lexicographically, so the
    worst-hit column is minimised first.
Without suppression a column's loss depends only on its own level and value counts, so every
transformation is scored up front and the lattice is walked best-first; a transformation's
classes are built only when no earlier check decides it by monotonicity.

Ties (equal ranked loss): ARX keeps the first optimum its traversal meets and prunes later
transformations whose loss is not strictly lower, so among exact ties its choice depends on
the traversal order. We prefer the lowest sum of levels, then the smallest levels in column
order, and report every other k-anonymous transformation with the same ranked loss in `ties`.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from muniscan.privacy.datasets.anonymity import combine, encode
from muniscan.privacy.datasets.table import MISSING_TOKENS

LOSS_DIGITS = 10  # ARX ignores loss differences below 1e-10 (Metric.round floors to 10 digits)
_SCALE = 10**LOSS_DIGITS
_UNKNOWN, _ANONYMOUS, _FAILS = 0, 1, -1
_ARX_INFIX = "_hierarchy_"


class HierarchyError(ValueError):
    """A hierarchy that cannot be used, or data outside it; the message names the file."""


@dataclass(frozen=True)
class Hierarchy:
    """One column's generalisation levels; `rows[i][0]` is an original value, `rows[i][l]` its
    label at level l. `source` (a file name) is quoted in error messages."""

    source: str
    rows: tuple[tuple[str, ...], ...]
    missing_row: int | None = None

    @property
    def height(self) -> int:
        """Number of levels, level 0 (the original values) included."""
        return len(self.rows[0])

    @property
    def domain_size(self) -> int:
        return len(self.rows)

    @cached_property
    def _leaf_index(self) -> dict[str, int]:
        return {row[0]: index for index, row in enumerate(self.rows)}

    @cached_property
    def _levels(self) -> list[tuple[np.ndarray, list[str], np.ndarray]]:
        """Per level: label code of every row, the labels, and how many rows share each label."""
        tables = []
        for level in range(self.height):
            codes, labels = encode([row[level] for row in self.rows])
            tables.append((codes, [str(label) for label in labels], np.bincount(codes)))
        return tables

    def label_codes(self, level: int) -> np.ndarray:
        return self._levels[level][0]

    def labels(self, level: int) -> list[str]:
        return self._levels[level][1]

    def coverage(self, level: int) -> np.ndarray:
        """Rows of the hierarchy under each label: the numerator of Iyengar's share."""
        return self._levels[level][2]

    def leaf_rows(self, values: Sequence[str | None], column: str) -> np.ndarray:
        """Hierarchy row of every value; a missing value (None) uses the row whose leaf is a
        missing-value spelling ("", "NULL", ...), as the dataset reader maps those to None."""
        codes, distinct = encode(values)
        lookup = self._leaf_index
        absent = -1 if self.missing_row is None else self.missing_row
        rows = np.fromiter(
            (absent if value is None else lookup.get(value, -1) for value in distinct),
            dtype=np.int64,
            count=len(distinct),
        )
        if (rows < 0).any():
            self._raise_uncovered(codes, distinct, rows, column)
        return rows[codes]

    def _raise_uncovered(self, codes: np.ndarray, distinct: list, rows: np.ndarray, column: str) -> None:
        missing = np.flatnonzero(rows < 0)
        affected = np.isin(codes, missing)
        first = int(np.argmax(affected))
        shown = ", ".join("a missing cell" if distinct[i] is None else repr(distinct[i]) for i in missing[:5])
        shown += " ..." if len(missing) > 5 else ""
        raise HierarchyError(
            f"{self.source}: column {column!r} has {len(missing)} value(s) not in the hierarchy ({shown}); "
            f"{int(affected.sum())} record(s), the first is record {first + 1}"
        )


def hierarchy_from_rows(rows: Iterable[Sequence[str]], source: str = "<rows>") -> Hierarchy:
    """Validate and build a hierarchy; line numbers in errors count rows from 1 (blank ones too)."""
    return _build(list(enumerate(rows, start=1)), source)


def _build(numbered_rows: list[tuple[int, Sequence[str]]], source: str) -> Hierarchy:
    """Blank rows are skipped; the leaf is stripped because the dataset reader strips cells."""
    numbered = [(line, tuple(row)) for line, row in numbered_rows if any(cell.strip() for cell in row)]
    if not numbered:
        raise HierarchyError(f"{source}: no hierarchy rows")
    cleaned = [(line, (row[0].strip(), *row[1:])) for line, row in numbered]
    _check_widths(cleaned, source)
    _check_leaves(cleaned, source)
    _check_parents(cleaned, source)
    return Hierarchy(source, tuple(row for _, row in cleaned), _missing_row(cleaned, source))


def _check_widths(rows: list[tuple[int, tuple[str, ...]]], source: str) -> None:
    """Full-domain generalisation needs every value to have the same number of levels."""
    first_line, first = rows[0]
    for line, row in rows:
        if len(row) != len(first):
            raise HierarchyError(
                f"{source} line {line}: {len(row)} level(s), expected {len(first)} as on line {first_line}"
            )


def _check_leaves(rows: list[tuple[int, tuple[str, ...]]], source: str) -> None:
    seen: dict[str, int] = {}
    for line, row in rows:
        if row[0] in seen:
            raise HierarchyError(f"{source} line {line}: value {row[0]!r} already listed on line {seen[row[0]]}")
        seen[row[0]] = line


def _check_parents(rows: list[tuple[int, tuple[str, ...]]], source: str) -> None:
    """A label must generalise to one label on the next level, else coarsening could split a
    class and k-anonymity would no longer be monotone (the pruning would be unsound)."""
    for level in range(1, len(rows[0][1]) - 1):
        parent: dict[str, tuple[str, int]] = {}
        for line, row in rows:
            known = parent.setdefault(row[level], (row[level + 1], line))
            if known[0] != row[level + 1]:
                raise HierarchyError(
                    f"{source} line {line}: {row[level]!r} (level {level}) generalises to {row[level + 1]!r}, "
                    f"but line {known[1]} generalises it to {known[0]!r}"
                )


def _missing_row(rows: list[tuple[int, tuple[str, ...]]], source: str) -> int | None:
    """The row that covers missing cells; two such rows would make a missing cell ambiguous."""
    found = [(index, line) for index, (line, row) in enumerate(rows) if row[0] in MISSING_TOKENS]
    if len(found) > 1:
        raise HierarchyError(
            f"{source} line {found[1][1]}: a second missing-value row (line {found[0][1]} already covers missing cells)"
        )
    return found[0][0] if found else None


def read_hierarchy(path: Path | str, delimiter: str = ";") -> Hierarchy:
    """Read an ARX-format hierarchy CSV (`;`-separated by default, as ARX exports them)."""
    path = Path(path)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        return _build([(reader.line_num, row) for row in reader], source=str(path))


def hierarchy_files(folder: Path | str, dataset: str | None = None) -> dict[str, Path]:
    """The hierarchy CSVs of a folder keyed by column: `<anything>_hierarchy_<column>.csv` (ARX's
    naming; with `dataset`, only `<dataset>_hierarchy_...`) or else `<column>.csv`. Two files for
    one column are an error, as either could be the one meant."""
    folder = Path(folder)
    if not folder.is_dir():
        raise HierarchyError(f"{folder}: not a folder of hierarchy files")
    found: dict[str, Path] = {}
    for path in sorted(folder.glob("*.csv")):
        name, infix, column = path.stem.partition(_ARX_INFIX)
        if dataset is not None and (not infix or name != dataset):
            continue
        column = column if infix else path.stem
        if column in found:
            raise HierarchyError(f"{path}: a second hierarchy for column {column!r} (the first is {found[column]})")
        found[column] = path
    return found


def read_hierarchies(folder: Path | str, dataset: str | None = None, delimiter: str = ";") -> dict[str, Hierarchy]:
    """Every hierarchy of a folder (named as `hierarchy_files` expects), keyed by column."""
    return {column: read_hierarchy(path, delimiter) for column, path in hierarchy_files(folder, dataset).items()}


def kept_as_is(values: Sequence[str | None], source: str) -> Hierarchy:
    """A one-level hierarchy over a column's own values: the column takes part in the classes but is
    never generalised (a quasi-identifier the DPO gave no hierarchy for)."""
    distinct = [value for value in dict.fromkeys(values) if value is not None]
    rows = [(value,) for value in distinct]
    if None not in values:
        return Hierarchy(source, tuple(rows))
    spelling = min(MISSING_TOKENS - set(distinct))  # a leaf that reads as missing and is no value
    return Hierarchy(source, (*rows, (spelling,)), missing_row=len(rows))


def _loss_units(hierarchy: Hierarchy, leaf_rows: np.ndarray) -> list[int]:
    """ARX's normalised loss of one column at every level, in units of 1e-10 (floored, exact)."""
    n = len(leaf_rows)
    size = hierarchy.domain_size
    if n == 0 or size == 1:
        return [0] * hierarchy.height
    per_leaf = np.bincount(leaf_rows, minlength=size)
    losses = []
    for level in range(hierarchy.height):
        covered = hierarchy.coverage(level)[hierarchy.label_codes(level)]
        total = int((per_leaf * covered).sum())
        losses.append(max(0, (total - n) * _SCALE // (n * (size - 1))))
    return losses


class _ClassCounter:
    """Class sizes of any transformation, computed on the distinct original tuples (with their
    record counts) instead of all records."""

    def __init__(self, leaf_rows: list[np.ndarray], hierarchies: list[Hierarchy]) -> None:
        key = combine(leaf_rows, [h.domain_size for h in hierarchies])
        _, first, counts = np.unique(key, return_index=True, return_counts=True)
        self.weights = counts.astype(np.int64)
        self.codes = [
            [h.label_codes(level)[rows[first]] for level in range(h.height)]
            for h, rows in zip(hierarchies, leaf_rows, strict=True)
        ]
        self.cardinalities = [[len(h.labels(level)) for level in range(h.height)] for h in hierarchies]

    def sizes(self, levels: Sequence[int]) -> np.ndarray:
        columns = [codes[level] for codes, level in zip(self.codes, levels, strict=True)]
        cardinalities = [card[level] for card, level in zip(self.cardinalities, levels, strict=True)]
        span = math.prod(cardinalities)
        key = combine(columns, cardinalities)
        if span <= 8 * len(key) + 4096:  # dense keys: count without sorting
            sizes = np.bincount(key, weights=self.weights)
            return sizes[sizes > 0].astype(np.int64)
        _, inverse = np.unique(key, return_inverse=True)
        return np.bincount(inverse, weights=self.weights).astype(np.int64)


@dataclass
class _Lattice:
    """Every transformation (one level per column), ordered best-first by ranked loss."""

    heights: tuple[int, ...]
    levels: np.ndarray  # transformations x columns
    ranked: np.ndarray  # per-column losses sorted descending (RANK aggregate), 1e-10 units
    order: np.ndarray  # transformation indices, best first
    status: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.status = np.zeros(len(self.levels), dtype=np.int8)

    @classmethod
    def build(cls, heights: list[int], losses: list[list[int]], limit: int) -> _Lattice:
        count = math.prod(heights)
        if count > limit:
            raise ValueError(
                f"{count} transformations exceed the limit of {limit}; "
                "use fewer quasi-identifiers or shorter hierarchies"
            )
        levels = np.indices(heights).reshape(len(heights), -1).T.astype(np.int16)
        per_column = np.stack([np.asarray(loss, dtype=np.int64)[levels[:, j]] for j, loss in enumerate(losses)], axis=1)
        ranked = -np.sort(-per_column, axis=1)
        keys = [levels[:, j] for j in reversed(range(len(heights)))] + [levels.sum(axis=1)]
        keys += [ranked[:, j] for j in reversed(range(len(heights)))]
        return cls(tuple(heights), levels, ranked, np.lexsort(keys))

    def tag(self, index: int, anonymous: bool) -> None:
        """Monotonicity: k-anonymous spreads upwards, failure downwards."""
        node = self.levels[index]
        if anonymous:
            self.status[(self.levels >= node).all(axis=1)] = _ANONYMOUS
        else:
            self.status[(self.levels <= node).all(axis=1)] = _FAILS

    def index_of(self, levels: Sequence[int]) -> int:
        return int(np.ravel_multi_index(tuple(levels), self.heights))


@dataclass
class _Search:
    """Best-first walk: the first k-anonymous transformation in ranked-loss order is optimal."""

    lattice: _Lattice
    counter: _ClassCounter
    k: int
    checked: int = 0
    position: int = -1  # of the optimum in best-first order

    def anonymous(self, index: int) -> bool:
        status = self.lattice.status[index]
        if status != _UNKNOWN:
            return bool(status == _ANONYMOUS)
        self.checked += 1
        result = bool(self.counter.sizes(self.lattice.levels[index]).min() >= self.k)
        self.lattice.tag(index, result)
        return result

    def climb(self, index: int) -> None:
        """From a failing transformation, raise each column as far as it still fails (binary
        search per column); the maximal failing node reached rules out everything below it."""
        levels = [int(v) for v in self.lattice.levels[index]]
        for column, height in enumerate(self.lattice.heights):
            low, high = levels[column], height - 1
            while low < high:
                middle = (low + high + 1) // 2
                trial = [*levels[:column], middle, *levels[column + 1 :]]
                if self.anonymous(self.lattice.index_of(trial)):
                    high = middle - 1
                else:
                    low = middle
            levels[column] = low

    def optimum(self) -> int | None:
        for position, index in enumerate(self.lattice.order):
            if self.lattice.status[index] == _FAILS:
                continue
            if self.anonymous(int(index)):
                self.position = position
                return int(index)
            self.climb(int(index))
        return None

    def ties(self, best: int) -> list[int]:
        """Other k-anonymous transformations with exactly the optimum's ranked loss."""
        order, ranked = self.lattice.order, self.lattice.ranked
        found = []
        for index in order[self.position + 1 :]:
            if not np.array_equal(ranked[index], ranked[best]):
                break
            if self.lattice.status[index] != _FAILS and self.anonymous(int(index)):
                found.append(int(index))
        return found


@dataclass(frozen=True, eq=False)
class Generalisation:
    """The least-lossy k-anonymous full-domain generalisation (no suppression).

    `loss` is ARX's normalised loss per column (0 = original, 1 = fully suppressed);
    `ranked_loss` the same values sorted descending, the order ARX's RANK aggregate compares;
    `ties` other k-anonymous level choices with identical ranked loss (ARX may pick any of them).
    """

    k: int
    attributes: tuple[str, ...]
    levels: dict[str, int]
    loss: dict[str, float]
    ranked_loss: tuple[float, ...]
    class_sizes: np.ndarray
    columns: dict[str, list[str | None]]
    ties: tuple[dict[str, int], ...]
    transformations: int
    checked: int

    @property
    def records(self) -> int:
        return int(self.class_sizes.sum())

    @property
    def classes(self) -> int:
        return len(self.class_sizes)

    def to_dict(self) -> dict:
        """Summary for reports (the generalised columns are left out: they are the size of the data)."""
        return {
            "k": self.k,
            "levels": dict(self.levels),
            "loss": dict(self.loss),
            "ranked_loss": list(self.ranked_loss),
            "records": self.records,
            "classes": self.classes,
            "smallest_class": int(self.class_sizes.min()),
            "ties": [dict(t) for t in self.ties],
            "transformations": self.transformations,
            "checked": self.checked,
        }


def _quasi_identifiers(columns: Mapping[str, Sequence[str | None]], hierarchies: Mapping[str, Hierarchy]) -> list[str]:
    """Columns with a hierarchy, in table order (the order also breaks exact ties)."""
    unknown = [name for name in hierarchies if name not in columns]
    if unknown:
        raise ValueError(f"hierarchies given for columns the table does not have: {unknown}")
    return [name for name in columns if name in hierarchies]


def apply_levels(
    columns: Mapping[str, Sequence[str | None]], hierarchies: Mapping[str, Hierarchy], levels: Mapping[str, int]
) -> dict[str, list[str | None]]:
    """The generalised columns of one transformation (level 0 keeps the original cells)."""
    result: dict[str, list[str | None]] = {}
    for name, level in levels.items():
        hierarchy = hierarchies[name]
        if level == 0:
            result[name] = list(columns[name])
            continue
        rows = hierarchy.leaf_rows(columns[name], name)
        labels = np.array(hierarchy.labels(level), dtype=object)
        result[name] = labels[hierarchy.label_codes(level)[rows]].tolist()
    return result


def optimal_generalisation(
    columns: Mapping[str, Sequence[str | None]],
    hierarchies: Mapping[str, Hierarchy],
    k: int = 2,
    max_transformations: int = 1_000_000,
) -> Generalisation | None:
    """The optimum ARX's search finds for k-anonymity with no suppression and Loss/RANK (among
    exact ties see `Generalisation.ties`); None when even the top of every hierarchy leaves a
    class smaller than k. Raises HierarchyError for data a hierarchy does not cover."""
    if k < 1:
        raise ValueError("k must be at least 1")
    names = _quasi_identifiers(columns, hierarchies)
    if not names:
        raise ValueError("no column has a hierarchy")
    chosen = [hierarchies[name] for name in names]
    leaf_rows = [h.leaf_rows(columns[name], name) for name, h in zip(names, chosen, strict=True)]
    if len(leaf_rows[0]) == 0:
        raise ValueError("the table has no records")
    losses = [_loss_units(h, rows) for h, rows in zip(chosen, leaf_rows, strict=True)]
    lattice = _Lattice.build([h.height for h in chosen], losses, max_transformations)
    search = _Search(lattice, _ClassCounter(leaf_rows, chosen), k)
    best = search.optimum()
    if best is None:
        return None
    ties = search.ties(best)
    return _result(columns, hierarchies, names, losses, search, best, ties)


def _result(
    columns: Mapping[str, Sequence[str | None]],
    hierarchies: Mapping[str, Hierarchy],
    names: list[str],
    losses: list[list[int]],
    search: _Search,
    best: int,
    ties: list[int],
) -> Generalisation:
    levels_of = search.lattice.levels
    levels = {name: int(level) for name, level in zip(names, levels_of[best], strict=True)}
    return Generalisation(
        k=search.k,
        attributes=tuple(names),
        levels=levels,
        loss={name: losses[j][levels[name]] / _SCALE for j, name in enumerate(names)},
        ranked_loss=tuple(int(u) / _SCALE for u in search.lattice.ranked[best]),
        class_sizes=search.counter.sizes(levels_of[best]),
        columns=apply_levels(columns, hierarchies, levels),
        ties=tuple({name: int(v) for name, v in zip(names, levels_of[i], strict=True)} for i in ties),
        transformations=len(levels_of),
        checked=search.checked,
    )
