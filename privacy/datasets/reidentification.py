"""Prosecutor, journalist and marketer re-identification risk as ARX reports them (El Emam)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class ReidentificationRisk:
    """Risks from class sizes f (sample) and F (population; F = f when no population is known)."""

    prosecutor_highest: float
    prosecutor_lowest: float
    prosecutor_average: float
    records_at_risk: float
    journalist_highest: float
    journalist_average: float
    marketer_average: float
    sample_uniqueness: float
    threshold: float

    def to_dict(self) -> dict:
        return asdict(self)


def reidentification_risk(
    sizes: np.ndarray, population_sizes: np.ndarray | None = None, threshold: float = 0.2
) -> ReidentificationRisk:
    """`sizes` per class; `population_sizes` per class (e.g. summed sampling weights) if known.

    Prosecutor: the attacker knows the person is in the data, risk 1/f; average = classes/records.
    Journalist: the person may not be in the data, risk 1/F; average max(#classes/ΣF, Σ(f/F)/n).
    Marketer: share expected to be re-identified in a mass attack, Σ(f/F)/n.
    `records_at_risk` is the share of records whose prosecutor risk exceeds `threshold`.
    """
    f = sizes.astype(float)
    population = f if population_sizes is None else population_sizes.astype(float)
    n = f.sum()
    marketer = float((f / population).sum() / n)
    return ReidentificationRisk(
        prosecutor_highest=float(1 / f.min()),
        prosecutor_lowest=float(1 / f.max()),
        prosecutor_average=float(len(f) / n),
        records_at_risk=float(f[1 / f > threshold].sum() / n),
        journalist_highest=float(1 / population.min()),
        journalist_average=max(float(len(f) / population.sum()), marketer),
        marketer_average=marketer,
        sample_uniqueness=float((f == 1).sum() / n),
        threshold=threshold,
    )


def distinction_and_separation(rows: list[tuple]) -> tuple[float, float]:
    """ARX's α-distinction (distinct combinations / n) and α-separation (share of record pairs
    that differ), used to rank which column sets drive uniqueness."""
    n = len(rows)
    counts: dict[tuple, int] = {}
    for row in rows:
        counts[row] = counts.get(row, 0) + 1
    pairs = n * (n - 1) / 2
    same = sum(c * (c - 1) / 2 for c in counts.values())
    return len(counts) / n, (pairs - same) / pairs if pairs else 0.0
