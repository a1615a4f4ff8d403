"""Detection quality and cold throughput on the labelled municipal corpus (tests/privacy/corpus).

Usage: taskset -c 1 python benchmarks/privacy_corpus.py [--errors ENTITY|all] [--runs 5]

Prints precision, recall and F1 per entity type, micro averages over the claimed types, the share of
messages without personal data that still raise a finding, and messages per second on one core with
cold caches (a fresh detector and cleared parse caches for every run, so no value is seen twice).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
os.environ.setdefault("MUNISCAN_HOME", tempfile.mkdtemp(prefix="muniscan-bench-"))

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "privacy" / "corpus" / "corpus.jsonl"

WARM_UP = (
    '{"email": "warm.up@example.org", "imsi": "240019999999999", "tel": "+46 8 000 000", '
    '"owner": "Test Person", "address": "Testgatan 1, 111 11 Testby", "card": "00000000"}'
)


def cold_throughput(rows: list[dict], runs: int) -> tuple[list[float], list[float]]:
    """msg/s of scan_message over the corpus, each run with a new detector and cleared parse caches.

    Wall-clock and CPU-time rates: on a shared machine the CPU time of this process is what one core did.
    """
    from muniscan.privacy.detection.detector import PersonalDataDetector, clear_parse_caches

    rates, cpu_rates = [], []
    for _ in range(runs):
        clear_parse_caches()
        detector = PersonalDataDetector(key=b"k" * 32)
        detector.scan_message(WARM_UP)  # loads lazy resources (e-mail suffix list, IMSI table), not corpus values
        gc.collect()  # building the detector leaves garbage; its collection is not the scan's cost
        start, cpu_start = time.perf_counter(), time.process_time()
        for row in rows:
            detector.scan_message(row["payload"], row["topic"])
        cpu = time.process_time() - cpu_start
        rates.append(len(rows) / (time.perf_counter() - start))
        cpu_rates.append(len(rows) / cpu if cpu > 0 else float("inf"))
    return rates, cpu_rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--errors", help="print misses and false findings of one entity type, 'all' or 'alarms'")
    parser.add_argument("--runs", type=int, default=5, help="cold throughput runs (median is printed)")
    args = parser.parse_args()
    from muniscan.privacy.detection.detector import PersonalDataDetector
    from muniscan.privacy.detection.evaluation import CLAIMED, evaluate, load_corpus

    rows = load_corpus(CORPUS)
    score = evaluate(rows, PersonalDataDetector(key=b"k" * 32))
    if args.errors:
        wanted = {"all": "", "alarms": "ALARM"}.get(args.errors, args.errors)
        for line in score.errors:
            if wanted in line:
                print(" ", line)
    labelled = Counter(label["entity"] for row in rows for label in row["labels"])
    print(
        f"corpus: {len(rows)} messages, {score.clean} without personal data, "
        f"{sum(labelled.values())} labels (written by the project, tests/privacy/corpus)"
    )
    print(f"{'entity':18s} {'labels':>6s} {'tp':>4s} {'fp':>4s} {'fn':>4s} {'prec':>6s} {'recall':>6s} {'f1':>6s}")
    for entity in CLAIMED:
        precision, recall, f1 = score.entity(entity)
        print(
            f"{entity:18s} {labelled[entity]:6d} {score.tp[entity]:4d} {score.fp[entity]:4d} "
            f"{score.fn[entity]:4d} {precision:6.3f} {recall:6.3f} {f1:6.3f}"
        )
    precision, recall, f1 = score.micro()
    print(f"{'micro':18s} {'':6s} {'':4s} {'':4s} {'':4s} {precision:6.3f} {recall:6.3f} {f1:6.3f}")
    print(
        f"false alarms: {score.alarms} of {score.clean} messages without personal data ({score.false_alarm_rate:.1%})"
    )
    rates, cpu_rates = cold_throughput(rows, args.runs)
    affinity = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"throughput (cold, cpus {affinity}, load {load:.1f}): median {statistics.median(rates):,.0f} msg/s "
        f"wall, {statistics.median(cpu_rates):,.0f} msg/s per CPU-second (best {max(cpu_rates):,.0f}) "
        f"(wall runs: {', '.join(f'{r:,.0f}' for r in rates)})"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
