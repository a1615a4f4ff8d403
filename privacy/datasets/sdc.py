"""sdcMicro-style measures: key-variable frequencies with missing values as wildcards, and the
approximate individual risk under the negative-binomial super-population model."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from muniscan.privacy.datasets.anonymity import Classes, combine, encode


def wildcard_frequencies(
    columns: Sequence[Sequence[str | None]], weights: Sequence[float] | np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(fk, Fk) per record; a missing value matches any value (sdcMicro freqCalc).

    Records are grouped by which keys are missing; for every pair of groups the records are
    compared on the keys both have, so the cost is (missingness patterns)^2 x n, not n^2.
    """
    encoded = [encode(column) for column in columns]
    n = len(encoded[0][0])
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    codes = np.stack([c for c, _ in encoded], axis=1)
    missing = np.stack([np.isin(c, [i for i, v in enumerate(values) if v is None]) for c, values in encoded], axis=1)
    patterns, pattern_of = np.unique(missing, axis=0, return_inverse=True)
    pattern_of = pattern_of.reshape(-1)
    fk = np.zeros(n)
    weighted = np.zeros(n)
    cardinalities = [len(values) for _, values in encoded]
    for a, pattern_a in enumerate(patterns):
        rows_a = np.flatnonzero(pattern_of == a)
        for b, pattern_b in enumerate(patterns):
            rows_b = np.flatnonzero(pattern_of == b)
            shared = np.flatnonzero(~pattern_a & ~pattern_b)
            if len(shared) == 0:
                fk[rows_a] += len(rows_b)
                weighted[rows_a] += w[rows_b].sum()
                continue
            key = combine([codes[:, j] for j in shared], [cardinalities[j] for j in shared])
            keys_b, inverse_b = np.unique(key[rows_b], return_inverse=True)
            count_b = np.bincount(inverse_b.reshape(-1), minlength=len(keys_b))
            weight_b = np.bincount(inverse_b.reshape(-1), weights=w[rows_b], minlength=len(keys_b))
            position = np.searchsorted(keys_b, key[rows_a])
            position = np.minimum(position, len(keys_b) - 1)
            found = keys_b[position] == key[rows_a]
            fk[rows_a] += np.where(found, count_b[position], 0)
            weighted[rows_a] += np.where(found, weight_b[position], 0)
    return fk, weighted


def individual_risk(fk: np.ndarray, population_fk: np.ndarray, quality: float = 1.0) -> np.ndarray:
    """Benedetti-Franconi approximation of E(1/F | f) (sdcMicro indivRisk, method "approx").

    Where a class's weights add up to no more than its sample size (Fk <= fk) the approximation is
    undefined and, as sdcMicro does, the risk is 1/fk.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        p = fk / population_fk
        odds = p / (1 - p)
        risk = np.where(
            fk == 1, odds * np.log(1 / p), np.where(fk == 2, odds - odds**2 * np.log(1 / p), p / (fk - (1 - p)))
        )
    risk = np.where(population_fk <= fk, 1 / fk, risk)
    return risk * quality


def distinct_l_per_record(classes: Classes, sensitive: Sequence[str | None]) -> np.ndarray:
    """Distinct sensitive values in each record's class (sdcMicro ldiversity, NA = a value)."""
    codes, values = encode(sensitive)
    m = len(values)
    pairs = np.unique(classes.of_record * m + codes)
    distinct = np.bincount(pairs // m, minlength=len(classes.sizes))
    return distinct[classes.of_record]
