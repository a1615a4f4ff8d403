"""k-anonymity, l-diversity, t-closeness and relatives, vectorised with numpy group-bys.

Missing-value policy (part 2), chosen per call:
  * "category" (default): a missing value is one more value; records are never dropped. This is
    conservative for singling out: a record with a missing postcode only hides among others
    that miss it too.
  * "drop": records with a missing quasi-identifier are left out (what pyCANON does silently,
    via pandas groupby); reported so a reader sees how many were excluded.

sdcMicro's third way, a missing value matching any value (`wildcard_frequencies` in `sdc.py`), is
no policy here: a record then belongs to several groups, so there are no equivalence classes, and
neither ℓ, t nor the class-based risks are defined. The audit uses it where sdcMicro does, for the
individual risk with sampling weights.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

MISSING_POLICIES = ("category", "drop")


def encode(values: Sequence[str | None]) -> tuple[np.ndarray, list[str | None]]:
    """Integer codes in first-seen order, and the value behind each code (None = missing)."""
    lookup: dict[str | None, int] = {}
    setdefault = lookup.setdefault
    codes = np.fromiter((setdefault(v, len(lookup)) for v in values), dtype=np.int64, count=len(values))
    return codes, list(lookup)


def combine(codes: Sequence[np.ndarray], cardinalities: Sequence[int]) -> np.ndarray:
    """One int64 key per row for several coded columns (mixed radix, re-densified on overflow)."""
    key = np.zeros(len(codes[0]) if codes else 0, dtype=np.int64)
    span = 1
    for column, cardinality in zip(codes, cardinalities, strict=True):
        if span * cardinality >= 2**62:
            key = np.unique(key, return_inverse=True)[1].astype(np.int64)
            span = int(key.max()) + 1 if len(key) else 1
        key = key * cardinality + column
        span *= cardinality
    return key


@dataclass(frozen=True)
class Classes:
    """Equivalence classes: class index per record and class sizes."""

    of_record: np.ndarray
    sizes: np.ndarray

    @classmethod
    def from_key(cls, key: np.ndarray) -> Classes:
        _, inverse, sizes = np.unique(key, return_inverse=True, return_counts=True)
        return cls(inverse.astype(np.int64), sizes.astype(np.int64))


@dataclass(frozen=True)
class SensitiveStats:
    """Per-sensitive-attribute measures, each the worst case over equivalence classes."""

    attribute: str
    l_distinct: int
    l_entropy: float
    l_entropy_int: int
    recursive_c: int | None
    recursive_l: int
    alpha: float
    t_closeness: float
    t_distance: str
    basic_beta: float
    enhanced_beta: float
    delta_disclosure: float

    def to_dict(self) -> dict:
        return asdict(self)


def _ordered_emd(pair_class, pair_rank, pair_q, n_classes: int, p_global: np.ndarray) -> np.ndarray:
    """Ordered-distance EMD per class: 1/(m-1) * sum_i |Q_class(i) - P(i)| over value ranks.

    Classes are step functions between the ranks they contain, and P is non-decreasing, so each
    step is summed in closed form with a binary search instead of a dense classes x values matrix.
    """
    m = len(p_global)
    if m < 2:
        return np.zeros(n_classes)
    cdf = np.cumsum(p_global)
    cdf_prefix = np.concatenate([[0.0], np.cumsum(cdf)])  # S(x) = sum_{i<x} P_i
    order = np.lexsort((pair_rank, pair_class))
    cls, rank, q = pair_class[order], pair_rank[order], pair_q[order]
    starts = np.r_[True, cls[1:] != cls[:-1]]
    group_start_index = np.maximum.accumulate(np.where(starts, np.arange(len(cls)), 0))
    cumulative = np.cumsum(q)
    before_group = np.where(group_start_index > 0, cumulative[group_start_index - 1], 0.0)
    level = cumulative - before_group  # Q after this rank within the class
    seg_end = np.r_[rank[1:], m]
    seg_end = np.where(np.r_[~starts[1:], False], seg_end, m)
    seg_start = rank
    k = np.clip(np.searchsorted(cdf, level, side="left"), seg_start, seg_end)
    below = level * (k - seg_start) - (cdf_prefix[k] - cdf_prefix[seg_start])
    above = (cdf_prefix[seg_end] - cdf_prefix[k]) - level * (seg_end - k)
    total = np.bincount(cls, weights=below + above, minlength=n_classes)
    # Ranks below the class's first value: Q = 0, so |0 - P_i| = P_i.
    total += np.bincount(cls[starts], weights=cdf_prefix[rank[starts]], minlength=n_classes)
    return total / (m - 1)


def sensitive_stats(classes: Classes, sensitive: Sequence[str | None], name: str) -> SensitiveStats:
    """ℓ, t, α, β and δ for one sensitive attribute (missing = own value)."""
    codes, values = encode(sensitive)
    m = len(values)
    n = len(codes)
    numeric = _all_numeric(values)
    if numeric:
        # Rank codes in numeric order for the ordered ground distance (missing sorts first).
        order_keys = [(-math.inf if v is None else float(v)) for v in values]
        rank_of_code = np.argsort(np.argsort(order_keys, kind="stable"), kind="stable")
        codes = rank_of_code[codes]
    p_global = np.bincount(codes, minlength=m) / n
    pair_key, pair_count = np.unique(classes.of_record * m + codes, return_counts=True)
    pair_class, pair_value = pair_key // m, pair_key % m
    size = classes.sizes[pair_class]
    q = pair_count / size
    p = p_global[pair_value]
    n_classes = len(classes.sizes)

    distinct = np.bincount(pair_class, minlength=n_classes)
    entropy = -np.bincount(pair_class, weights=q * np.log(q), minlength=n_classes)
    l_distinct = int(distinct.min())
    min_entropy = float(entropy.min())

    if numeric:
        emd = _ordered_emd(pair_class, pair_value, q, n_classes, p_global)
    else:
        inside = np.bincount(pair_class, weights=np.abs(q - p), minlength=n_classes)
        mass_seen = np.bincount(pair_class, weights=p, minlength=n_classes)
        emd = 0.5 * (inside + (1.0 - mass_seen))

    beta = (q - p) / p
    return SensitiveStats(
        attribute=name,
        l_distinct=l_distinct,
        l_entropy=math.exp(min_entropy),
        l_entropy_int=math.floor(math.exp(min_entropy) + 1e-9),
        recursive_c=_recursive_c(pair_class, pair_count, l_distinct),
        recursive_l=l_distinct,
        alpha=float(q.max()),
        t_closeness=float(emd.max()),
        t_distance="ordered" if numeric else "equal",
        basic_beta=float(beta.max()),
        enhanced_beta=float(np.minimum(beta, -np.log(p)).max()),
        delta_disclosure=float(np.abs(np.log(q / p)).max()),
    )


def _recursive_c(pair_class: np.ndarray, pair_count: np.ndarray, l_value: int) -> int | None:
    """Smallest integer c with r1 < c*(r_l + ... + r_m) in every class (Machanavajjhala 2007).

    pyCANON sorts the counts ascending and divides the *least* frequent count instead, which
    gives c = 1 on StudentsMath_Score_k5 where the definition gives 4; we follow the definition.
    For l = 1 the condition is vacuous, reported as None (pyCANON: nan).
    """
    if l_value <= 1:
        return None
    order = np.lexsort((-pair_count, pair_class))
    cls, counts = pair_class[order], pair_count[order]
    starts = np.r_[True, cls[1:] != cls[:-1]]
    first = np.flatnonzero(starts)
    rank = np.arange(len(cls)) - np.repeat(first, np.diff(np.r_[first, len(cls)]))
    tail = np.bincount(cls, weights=np.where(rank >= l_value - 1, counts, 0))
    top = counts[starts]
    return int((np.floor(top / tail[cls[starts]]) + 1).max())


def _all_numeric(values: list[str | None]) -> bool:
    present = [v for v in values if v is not None]
    if not present:
        return False
    try:
        for value in present:
            float(value)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class AnonymityResult:
    """Singling-out and inference measures for one quasi-identifier set."""

    quasi_identifiers: list[str]
    missing_policy: str
    records: int
    records_evaluated: int
    classes: int
    k: int
    sample_uniques: int
    sample_unique_share: float
    largest_class: int
    sensitive: list[SensitiveStats]

    def to_dict(self) -> dict:
        return asdict(self)


def check_missing_policy(missing: str) -> None:
    """Refuse an unknown policy before any work, naming the ones there are."""
    if missing not in MISSING_POLICIES:
        raise ValueError(
            f"missing-value policy {missing!r} is not one of {', '.join(MISSING_POLICIES)} "
            "(sdcMicro's wildcard matching gives no equivalence classes; it is used for the "
            "individual risk with sampling weights)"
        )


def quasi_identifier_classes(
    columns: dict[str, list[str | None]], quasi_identifiers: list[str], missing: str = "category"
) -> tuple[Classes, np.ndarray]:
    """Classes over the QIs and the boolean mask of records that took part."""
    check_missing_policy(missing)
    encoded = [encode(columns[name]) for name in quasi_identifiers]
    n = len(columns[quasi_identifiers[0]])
    keep = np.ones(n, dtype=bool)
    if missing == "drop":
        for codes, values in encoded:
            missing_codes = [i for i, v in enumerate(values) if v is None]
            if missing_codes:
                keep &= ~np.isin(codes, missing_codes)
    key = combine([c[keep] for c, _ in encoded], [len(v) for _, v in encoded])
    return Classes.from_key(key), keep


def evaluate(
    columns: dict[str, list[str | None]],
    quasi_identifiers: list[str],
    sensitive: list[str] | None = None,
    missing: str = "category",
) -> AnonymityResult:
    """k, uniques, and per sensitive attribute ℓ/t/α/β/δ (each the worst class)."""
    classes, keep = quasi_identifier_classes(columns, quasi_identifiers, missing)
    kept_index = np.flatnonzero(keep)
    stats = []
    for name in sensitive or []:
        column = columns[name]
        values = column if len(kept_index) == len(column) else [column[i] for i in kept_index]
        stats.append(sensitive_stats(classes, values, name))
    sizes = classes.sizes
    uniques = int((sizes == 1).sum())
    evaluated = int(keep.sum())
    return AnonymityResult(
        quasi_identifiers=list(quasi_identifiers),
        missing_policy=missing,
        records=len(keep),
        records_evaluated=evaluated,
        classes=len(sizes),
        k=int(sizes.min()) if len(sizes) else 0,
        sample_uniques=uniques,
        sample_unique_share=uniques / evaluated if evaluated else 0.0,
        largest_class=int(sizes.max()) if len(sizes) else 0,
        sensitive=stats,
    )
