"""One record per person: rows that are events of a pseudonym are folded before k and risks are computed.

k-anonymity over rows says nothing when a card holder has fifty taps: every row has fifty twins, yet the
holder may be the only one with that fare type, birth year and postcode. Folding rule per column: the
person's value if all their rows agree; when it varies, the combination of their distinct values
(`adult + student`), which is itself an attribute an attacker who knows them can match; missing cells
are ignored beside known values, and a person with none keeps a missing value. Rows without a
pseudonym cannot be attributed to anyone and are left out (counted).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from muniscan.privacy.datasets.anonymity import encode

COMBINATION = " + "


@dataclass(frozen=True)
class PersonUnits:
    """The table folded to one record per pseudonym, and what folding did."""

    pseudonym: str
    rows: int
    persons: int
    rows_without_pseudonym: int
    varying: dict[str, int]  # column -> persons whose value differs between their rows

    def describe(self) -> str:
        """The sentence that tells the reader what k and the risks were counted over."""
        text = (
            f"k, uniques and risks are counted over {self.persons} persons (distinct '{self.pseudonym}'), "
            f"not over the {self.rows} rows"
        )
        varying = [f"'{c}' for {n}" for c, n in self.varying.items() if n]
        if varying:
            text += f"; values that vary between a person's rows are combined ({', '.join(varying)} persons)"
        if self.rows_without_pseudonym:
            text += f"; {self.rows_without_pseudonym} rows without a pseudonym are left out"
        return text


def fold_persons(
    columns: dict[str, list[str | None]], pseudonym: str, names: Sequence[str]
) -> tuple[PersonUnits, dict[str, list[str | None]]]:
    """`names` folded per distinct value of `pseudonym`, persons in first-seen order; the folded columns are
    returned beside the summary, never inside it, so no value reaches a stored report."""
    ids = columns[pseudonym]
    codes, people = encode(ids)
    missing_code = next((i for i, v in enumerate(people) if v is None), None)
    keep = np.ones(len(codes), dtype=bool) if missing_code is None else codes != missing_code
    kept_rows = np.flatnonzero(keep)
    # renumber persons densely without the missing pseudonym, in first-seen order
    person_of_code = np.full(len(people), -1, dtype=np.int64)
    present = [i for i, v in enumerate(people) if v is not None]
    person_of_code[present] = np.arange(len(present))
    person = person_of_code[codes[kept_rows]]
    n_persons = len(present)
    folded: dict[str, list[str | None]] = {}
    varying: dict[str, int] = {}
    for name in dict.fromkeys(names):
        folded[name], varying[name] = _fold_column(columns[name], kept_rows, person, n_persons)
    units = PersonUnits(
        pseudonym=pseudonym,
        rows=len(codes),
        persons=n_persons,
        rows_without_pseudonym=int(len(codes) - len(kept_rows)),
        varying=varying,
    )
    return units, folded


def _fold_column(
    values: Sequence[str | None], rows: np.ndarray, person: np.ndarray, n_persons: int
) -> tuple[list[str | None], int]:
    """Per person: the one value, the combination of several, or None; and how many persons had several."""
    codes, lookup = encode(values)
    codes = codes[rows]
    m = max(1, len(lookup))
    pairs = np.unique(person * m + codes)
    pair_person, pair_code = pairs // m, pairs % m
    missing = next((i for i, v in enumerate(lookup) if v is None), None)
    if missing is not None:
        known = pair_code != missing
        has_known = np.zeros(n_persons, dtype=bool)
        has_known[pair_person[known]] = True
        # a missing cell beside known values adds nothing; a person with no known value stays missing
        drop = ~known & has_known[pair_person]
        pair_person, pair_code = pair_person[~drop], pair_code[~drop]
    out: list[str | None] = [None] * n_persons
    counts = np.bincount(pair_person, minlength=n_persons)
    single = counts[pair_person] == 1
    for p, c in zip(pair_person[single].tolist(), pair_code[single].tolist(), strict=True):
        out[p] = lookup[c]
    several: dict[int, list[str]] = {}
    for p, c in zip(pair_person[~single].tolist(), pair_code[~single].tolist(), strict=True):
        several.setdefault(p, []).append(lookup[c])  # type: ignore[arg-type]
    for p, found in several.items():
        out[p] = COMBINATION.join(sorted(found))
    return out, len(several)
