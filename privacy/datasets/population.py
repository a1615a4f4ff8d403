"""Population-uniqueness estimates (Zayatz, Pitman, SNB, Dankar's rule) from the class-size histogram.

Re-implemented from the papers (Zayatz 1991; Hoshino 2001; Chen & Keller-McNulty 1998; Haas et al.
1995; Dankar et al. 2012) following the choices ARX documents, so the numbers match ARX's own tests
on its Adult extract.

The SNB model follows the textbook derivation, not ARX's ModelSNB, which differs in two places:
- ARX's equation for sample classes of size 2 multiplies by (1-d)^(alpha+2); the derivation (second
  derivative of the class-size pgf at 1-f) divides by it. ARX's own Jacobian is that of the
  dividing form, so its Newton iteration pairs equations and derivatives that do not match.
- ARX estimates the number of population classes K with a second-order variant of Shlosser's
  estimator whose term (1-f)^i ((1+f)^i - 1) c_i is coded as (1-f)^i (1+f)^i c_i - 1: it subtracts
  1 per histogram entry, so K depends on how many distinct class sizes there are. We use
  Shlosser's estimator as Haas et al. state it.
On Adult at f = 0.2 ARX's two equations have no root; ours give an SNB above Zayatz, so the rule
reports the Zayatz value ARX's test asserts. At f = 1 the two c2 equations and both K estimates
coincide (K = sample classes) and SNB equals the sample uniques, like Zayatz.
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
    pitman: float | None  # fitted only where the rule uses it: sampling fraction <= 0.1
    snb: float | None  # fitted only where the rule uses it: sampling fraction > 0.1
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
    return math.log(successes) + log_choose(population - successes, draws - 1) - log_choose(population, draws)


def zayatz_uniques(histogram: dict[int, int], n: int, population: float) -> float:
    """Sample uniques that are population uniques, scaled to the population (Zayatz 1991)."""
    uniques = histogram.get(1, 0)
    if not uniques:
        return 0.0
    classes = sum(histogram.values())
    weights = {
        size: count / classes * math.exp(_log_hypergeometric_one(population, size, n))
        for size, count in histogram.items()
        if population - size >= n - 1
    }
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


def pitman_uniques(
    histogram: dict[int, int], n: int, population: float, iterations: int = 300, tolerance: float = 1e-12
) -> float | None:
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
    uniques = math.exp(math.lgamma(theta + 1) - math.lgamma(theta + alpha) + alpha * math.log(population))
    return uniques if 0 <= uniques <= population else None


# Relative difference below which SNB and Zayatz count as equal; the SNB fit is solved to ~1e-12.
_SAME_ESTIMATE = 1e-9


def shlosser_classes(histogram: dict[int, int], fraction: float) -> float:
    """Shlosser's estimate of the number of non-empty population classes (Haas et al. 1995):
    u + c1 * sum (1-f)^i c_i / sum i f (1-f)^(i-1) c_i. SNB needs it because K is not observed."""
    rest = 1 - fraction
    numerator = sum(rest**size * count for size, count in histogram.items())
    denominator = sum(size * fraction * rest ** (size - 1) * count for size, count in histogram.items())
    return sum(histogram.values()) + histogram.get(1, 0) * numerator / denominator


def _snb_equations(
    log_alpha: float, logit_beta: float, classes: float, fraction: float, c1: int, c2: int
) -> tuple[tuple[float, float], tuple[tuple[float, float], tuple[float, float]]]:
    """log(expected / observed) for sample classes of size 1 and 2, and the Jacobian in
    (log alpha, logit beta). Logs make both equations scale-free and keep alpha > 0, 0 < beta < 1.

    With d = (1-f)(1-beta), the expected counts K f^s/s! G^(s)(1-f) are
    c1 = K f beta^a (1-d)^-(a+1) (1 - (1-a) d) and
    c2 = K f^2/2 a beta^a (1-beta) (1-d)^-(a+2) (2 - (1-a) d)."""
    alpha = math.exp(log_alpha)
    log_beta = -math.log1p(math.exp(-logit_beta))
    log_not_beta = -math.log1p(math.exp(logit_beta))
    beta, not_beta = math.exp(log_beta), math.exp(log_not_beta)  # 1 - beta, exact near beta = 1
    rest = 1 - fraction
    d = rest * not_beta
    kept = fraction + beta * rest  # 1 - d, without cancellation
    log_kept = math.log(kept)
    p = 1 - (1 - alpha) * d
    q = 2 - (1 - alpha) * d
    e1 = math.log(classes * fraction / c1) + alpha * log_beta - (alpha + 1) * log_kept + math.log(p)
    e2 = (
        math.log(classes * fraction**2 / (2 * c2))
        + log_alpha
        + alpha * log_beta
        + log_not_beta
        - (alpha + 2) * log_kept
        + math.log(q)
    )
    # d/d(log alpha) = alpha d/d alpha; d/d(logit beta) = beta (1-beta) d/d beta; dd/d beta = -(1-f)
    spread = beta * not_beta
    j11 = alpha * (log_beta - log_kept + d / p)
    j12 = alpha * not_beta - spread * rest * ((alpha + 1) / kept - (1 - alpha) / p)
    j21 = 1 + alpha * (log_beta - log_kept + d / q)
    j22 = alpha * not_beta - beta - spread * rest * ((alpha + 2) / kept - (1 - alpha) / q)
    return (e1, e2), ((j11, j12), (j21, j22))


def _snb_solve(
    start: tuple[float, float],
    classes: float,
    fraction: float,
    c1: int,
    c2: int,
    iterations: int = 100,
    tolerance: float = 1e-12,
) -> tuple[float, float] | None:
    """Damped Newton-Raphson from one start; (alpha, beta) or None if it does not converge."""
    x, y = math.log(start[0]), math.log(start[1] / (1 - start[1]))

    def norm(at: tuple[float, float]) -> float:
        (e1, e2), _ = _snb_equations(at[0], at[1], classes, fraction, c1, c2)
        return max(abs(e1), abs(e2))

    for _ in range(iterations):
        (e1, e2), ((j11, j12), (j21, j22)) = _snb_equations(x, y, classes, fraction, c1, c2)
        current = max(abs(e1), abs(e2))
        if not math.isfinite(current):
            return None
        if current <= tolerance:
            return math.exp(x), 1 / (1 + math.exp(-y))
        determinant = j11 * j22 - j12 * j21
        if determinant == 0 or not math.isfinite(determinant):
            return None
        dx = (e1 * j22 - e2 * j12) / determinant
        dy = (j11 * e2 - j21 * e1) / determinant
        scale = 1.0
        for _ in range(40):  # halve the step until the residual shrinks (guards against divergence)
            trial = (x - scale * dx, y - scale * dy)
            if abs(trial[0]) < 30 and abs(trial[1]) < 30:
                try:
                    if norm(trial) < current:
                        break
                except (ValueError, OverflowError, ZeroDivisionError):
                    pass
            scale /= 2
        else:
            return None
        x, y = trial
    return None


def snb_fit(
    histogram: dict[int, int], fraction: float, classes: float | None = None
) -> tuple[float, float, float] | None:
    """(K, alpha, beta) of the SNB model (Chen & Keller-McNulty 1998): population class sizes
    1 + NegBin(alpha, beta), fitted so the expected sample classes of size 1 and 2 match the
    observed ones. K is Shlosser's estimate unless given. None when there is no valid fit (no
    classes of size 1 or 2, or no root with alpha > 0, 0 < beta < 1)."""
    c1, c2 = histogram.get(1, 0), histogram.get(2, 0)
    if not c1 or not c2 or not 0 < fraction <= 1:
        return None
    if classes is None:
        classes = shlosser_classes(histogram, fraction)
    for start in ((1.0, 0.5), (0.1, 0.1), (0.1, 0.9), (10.0, 0.1), (10.0, 0.9)):
        try:
            fit = _snb_solve(start, classes, fraction, c1, c2)
        except (ValueError, OverflowError, ZeroDivisionError):
            fit = None
        if fit is not None:
            return classes, fit[0], fit[1]
    return None


def snb_uniques(histogram: dict[int, int], n: int, population: float) -> float | None:
    """Population uniques under the fitted SNB model, K beta^alpha; None without a valid estimate."""
    fit = snb_fit(histogram, n / population)
    if fit is None:
        return None
    classes, alpha, beta = fit
    uniques = classes * beta**alpha
    return uniques if math.isfinite(uniques) and 0 < uniques <= population else None


def population_uniqueness(sizes: np.ndarray, population: float) -> PopulationUniqueness:
    """Dankar et al.'s rule: Pitman for sampling fraction <= 0.1 (Zayatz if Pitman fails),
    otherwise min(Zayatz, SNB), or Zayatz if SNB has no valid fit. Equal values (as at f = 1,
    where both are the sample uniques) are reported as Zayatz, the model that needs no fit."""
    n = int(sizes.sum())
    population = max(float(population), float(n))
    fraction = n / population
    histogram = class_size_histogram(sizes)
    if not histogram.get(1):
        return PopulationUniqueness(population, fraction, 0.0, 0.0, 0.0, 0.0, "none (no sample uniques)")
    zayatz = zayatz_uniques(histogram, n, population) / population
    if fraction <= 0.1:
        pitman_count = pitman_uniques(histogram, n, population)
        pitman = pitman_count / population if pitman_count else None
        if pitman:
            return PopulationUniqueness(population, fraction, zayatz, pitman, None, pitman, "pitman")
        return PopulationUniqueness(population, fraction, zayatz, pitman, None, zayatz, "zayatz")
    snb_count = snb_uniques(histogram, n, population)
    snb = snb_count / population if snb_count else None
    if snb is not None and snb < zayatz * (1 - _SAME_ESTIMATE):
        return PopulationUniqueness(population, fraction, zayatz, None, snb, snb, "snb")
    return PopulationUniqueness(population, fraction, zayatz, None, snb, zayatz, "zayatz")
