"""k-anonymity + l-diversity + t-closeness on a 1,000,000 x 8 table: time, peak RSS, pyCANON ratio.

Usage: python benchmarks/privacy_dataset.py [--rows 1000000] [--sample 50000]
pyCANON is compared only when importable (see benchmarks/requirements-privacy.txt).
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from muniscan.privacy.datasets.anonymity import evaluate

QI = ["age", "sex", "postcode", "education", "occupation", "marital"]
SA = ["diagnosis", "score"]


def make_table(rows: int, seed: int = 1) -> dict[str, list[str]]:
    """Census-like columns as text, the way a CSV reader hands them over."""
    rng = np.random.default_rng(seed)
    spec = {
        "age": [str(a) for a in range(17, 91)],
        "sex": ["F", "M"],
        "postcode": [f"{p:03d} {q:02d}" for p in range(111, 131) for q in range(10)],
        "education": [f"edu{i}" for i in range(16)],
        "occupation": [f"occ{i}" for i in range(14)],
        "marital": [f"mar{i}" for i in range(7)],
        "diagnosis": [f"J{i:02d}" for i in range(12)],
        "score": [str(s) for s in range(0, 101)],
    }
    table = {}
    for name, vocabulary in spec.items():
        weights = rng.dirichlet(np.ones(len(vocabulary)) * 0.7)
        codes = rng.choice(len(vocabulary), size=rows, p=weights)
        table[name] = [vocabulary[c] for c in codes.tolist()]
    return table


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_ours(table: dict[str, list[str]]):
    start = time.perf_counter()
    result = evaluate(table, QI, SA)
    return time.perf_counter() - start, result


def run_pycanon(table: dict[str, list[str]]):
    import pandas as pd
    from pycanon import anonymity

    frame = pd.DataFrame(table)
    frame["score"] = frame["score"].astype(int)
    start = time.perf_counter()
    k = anonymity.k_anonymity(frame, QI)
    values = {}
    for sa in SA:
        values[sa] = (
            anonymity.l_diversity(frame, QI, [sa]),
            anonymity.entropy_l_diversity(frame, QI, [sa]),
            anonymity.t_closeness(frame, QI, [sa]),
        )
    return time.perf_counter() - start, k, values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=50_000)
    args = parser.parse_args()
    table = make_table(args.rows)
    print(
        f"table: {args.rows} rows x {len(table)} columns; QI={QI}; SA={SA}; RSS after generation {peak_rss_mb():.0f} MB"
    )
    seconds, result = run_ours(table)
    print(
        f"muniscan k + l + entropy-l + t : {seconds:6.2f} s, peak RSS {peak_rss_mb():.0f} MB, "
        f"k={result.k}, classes={result.classes}, "
        + ", ".join(f"{s.attribute}: l={s.l_distinct} t={s.t_closeness:.6f} ({s.t_distance})" for s in result.sensitive)
    )
    try:
        import pycanon  # noqa: F401
    except ImportError:
        print("pyCANON not installed here: skipping the comparison")
        return
    sample = {name: values[: args.sample] for name, values in table.items()}
    ours_seconds, ours = run_ours(sample)
    theirs_seconds, k, values = run_pycanon(sample)
    same = ours.k == k and all(
        (s.l_distinct, s.l_entropy_int) == values[s.attribute][:2]
        and abs(s.t_closeness - values[s.attribute][2]) < 1e-12
        for s in ours.sensitive
    )
    print(
        f"sample {args.sample} rows: muniscan {ours_seconds:.3f} s, pyCANON "
        f"{theirs_seconds:.3f} s, ratio {theirs_seconds / ours_seconds:.0f}x, identical values: "
        f"{same} (k={k}, pyCANON {values})"
    )


if __name__ == "__main__":
    main()
