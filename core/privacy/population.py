"""Population-uniqueness estimates (Zayatz, Pitman, Dankar's rule) from the class-size histogram.

Re-implemented from the papers (Zayatz 1991; Hoshino 2001; Dankar et al. 2012) following the
choices ARX documents, so the numbers match ARX's own tests on its Adult extract. The SNB model
(Chen & Keller-McNulty 1998) is not implemented: where Dankar's rule asks for min(Zayatz, SNB)
(sampling fraction > 0.1) we report Zayatz, which is never below that minimum (conservative).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class PopulationUniqueness:
    """Estimated share of the population that is unique on the quasi-identifiers."""

    population: float
    sampling_fraction: float
    zayatz: float
    pitman: float | None
    dankar: float
    dankar_model: str

    def to_dict(self) -> dict:
        return asdict(self)


def class_size_histogram(sizes: np.ndarray) -> dict[int, int]:
    """{class size: number of classes of that size}."""
    return dict(sorted(Counter(int(s) for s in sizes).items()))


def _log_hypergeometric_one(population: float, successes: int, draws: int) -> float:
    """log P(X = 1) for X ~ Hypergeometric(population, successes, draws)."""
    lg = math.lgamma
    log_choose = lambda a, b: lg(a + 1) - lg(b + 1) - lg(a - b + 1)  # noqa: E731
    return (math.log(successes) + log_choose(population - successes, draws - 1)
            - log_choose(population, draws))


def zayatz_uniques(histogram: dict[int, int], n: int, population: float) -> float:
    """Sample uniques that are population uniques, scaled to the population (Zayatz 1991)."""
    uniques = histogram.get(1, 0)
    if not uniques:
        return 0.0
    classes = sum(histogram.values())
    weights = {size: count / classes * math.exp(_log_hypergeometric_one(population, size, n))
               for size, count in histogram.items() if population - size >= n - 1}
    conditional = weights.get(1, 0.0) / sum(weights.values())
    return uniques * conditional / (n / population)


def _pitman_equations(theta: float, alpha: float, histogram: dict[int, int], n: int, u: int):
    i = np.arange(1, u, dtype=float)
    denom = theta + i * alpha
    j_n = theta + np.arange(1, n, dtype=float)
    f1 = (1 / denom).sum() - (1 / j_n).sum()
    f2 = (i / denom).sum()
    d11 = -(1 / denom**2).sum() + (1 / j_n**2).sum()
    d12 = -(i / denom**2).sum()
    d22 = -(i**2 / denom**2).sum()
    for size, count in histogram.items():
        if size > 1:
            j = np.arange(1, size, dtype=float) - alpha
            f2 -= count * (1 / j).sum()
            d22 -= count * (1 / j**2).sum()
    return np.array([f1, f2]), np.array([[d11, d12], [d12, d22]])


def pitman_uniques(histogram: dict[int, int], n: int, population: float,
                   iterations: int = 300, tolerance: float = 1e-12) -> float | None:
    """Pitman sampling-formula fit by maximum likelihood (Hoshino 2001), then
    uniques = Γ(θ+1)/Γ(θ+α) · N^α. None when the fit does not converge to a valid estimate."""
    c1 = histogram.get(1, 0)
    c2 = histogram.get(2, 0) or 1  # avoid division by zero; overestimates, as in ARX
    u = sum(histogram.values())
    c = c1 * (c1 - 1) / c2
    theta = (n * u * c - c1 * (n - 1) * (2 * u + c)) / (2 * c1 * u + c1 * c - n * c)
    alpha = (theta * (c1 - n) + (n - 1) * c1) / (n * u)
    for _ in range(iterations):
        with np.errstate(divide="ignore", invalid="ignore"):
            value, jacobian = _pitman_equations(theta, alpha, histogram, n, u)
        if not np.all(np.isfinite(jacobian)) or not np.all(np.isfinite(value)):
            return None
        try:
            step = np.linalg.solve(jacobian, value)
        except np.linalg.LinAlgError:
            return None
        theta, alpha = theta - step[0], alpha - step[1]
        if not (np.isfinite(theta) and np.isfinite(alpha)):
            return None
        if abs(step[0]) <= tolerance * max(1, abs(theta)) and abs(step[1]) <= tolerance:
            break
    if alpha == 0 or not 0 < alpha < 1 or theta <= -alpha:
        return None
    uniques = math.exp(math.lgamma(theta + 1) - math.lgamma(theta + alpha) + alpha *
                       math.log(population))
    return uniques if 0 <= uniques <= population else None


def population_uniqueness(sizes: np.ndarray, population: float) -> PopulationUniqueness:
    """Dankar et al.'s rule: Pitman for sampling fraction <= 0.1 (Zayatz if Pitman fails),
    otherwise the Zayatz estimate (SNB not implemented, see module docstring)."""
    n = int(sizes.sum())
    population = max(float(population), float(n))
    fraction = n / population
    histogram = class_size_histogram(sizes)
    if not histogram.get(1):
        return PopulationUniqueness(population, fraction, 0.0, 0.0, 0.0, "none (no sample uniques)")
    zayatz = zayatz_uniques(histogram, n, population) / population
    pitman_count = pitman_uniques(histogram, n, population) if fraction <= 0.1 else None
    pitman = pitman_count / population if pitman_count else None
    if fraction <= 0.1 and pitman:
        return PopulationUniqueness(population, fraction, zayatz, pitman, pitman, "pitman")
    return PopulationUniqueness(population, fraction, zayatz, pitman, zayatz, "zayatz")
