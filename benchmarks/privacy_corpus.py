"""Detection quality and cold throughput on the labelled municipal corpus (tests/privacy/corpus).

Usage: taskset -c 1 python benchmarks/privacy_corpus.py [--errors ENTITY|all] [--runs 5]

Prints precision, recall and F1 per entity type, micro averages over the claimed types, the share of
messages without personal data that still raise a finding, and messages per second on one core with
cold caches (a fresh detector and cleared parse caches for every run, so no value is seen twice).
"""

from __future__ import annotations

import argparse
import json
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
CLAIMED = ("PERSON", "STREET_ADDRESS", "CUSTOMER_ID", "SE_PERSONNUMMER", "PHONE_NUMBER", "EMAIL_ADDRESS", "IMEI",
           "SE_LICENCE_PLATE", "MAC_ADDRESS", "GPS_COORDINATE", "IP_ADDRESS", "IBAN_CODE")

WARM_UP = ('{"email": "warm.up@example.org", "imsi": "240019999999999", "tel": "+46 8 000 000", '
           '"owner": "Test Person", "address": "Testgatan 1, 111 11 Testby", "card": "00000000"}')


def load_corpus(path: Path = CORPUS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def normalise(text: str) -> str:
    return " ".join(text.lower().split()).strip(" .,;:()")


def personal_findings(detector, row: dict) -> list[tuple[str, str]]:
    """(category, matched text) of every personal-data finding in one message, as scan_message sees it."""
    from muniscan.privacy.detection.detector import is_personal_category

    return [(category, text) for category, _path, text in detector.findings_with_text(row["payload"], row["topic"])
            if is_personal_category(category)]


def match(labels: list[tuple[str, str]], predicted: list[tuple[str, str]]):
    """One-to-one matches by entity and containment of the normalised texts (README: matching rule)."""
    wanted = sorted({(e, normalise(t)) for e, t in labels})
    found = sorted({(e, normalise(t)) for e, t in predicted})
    # A name found whole by one recognizer and in part by another is one finding, as a report shows it.
    found = [(e, t) for e, t in found if not any(e == e2 and t != t2 and t in t2 for e2, t2 in found)]
    used: set[int] = set()
    hits, misses = [], []
    for entity, text in wanted:
        for index, (p_entity, p_text) in enumerate(found):
            if index in used or p_entity != entity or len(p_text) < 2:
                continue
            if p_text in text or text in p_text:
                used.add(index)
                hits.append((entity, text))
                break
        else:
            misses.append((entity, text))
    extra = [found[i] for i in range(len(found)) if i not in used]
    return hits, misses, extra


def evaluate(rows: list[dict], detector, show: str | None = None) -> dict:
    tp: Counter = Counter()
    fn: Counter = Counter()
    fp: Counter = Counter()
    clean = alarms = 0
    for row in rows:
        labels = [(label["entity"], label["text"]) for label in row["labels"]]
        predicted = personal_findings(detector, row)
        if not labels:
            clean += 1
            alarms += bool(predicted)
        hits, misses, extra = match(labels, [p for p in predicted if p[0] in CLAIMED])
        for entity, _ in hits:
            tp[entity] += 1
        for entity, text in misses:
            fn[entity] += 1
            if show in ("all", entity):
                print(f"  MISS {entity:16s} {text!r:45s} {row['id']}")
        for entity, text in extra:
            fp[entity] += 1
            if show in ("all", entity):
                print(f"  FALSE {entity:15s} {text!r:45s} {row['id']}")
        if show == "alarms" and not labels and predicted:
            print(f"  ALARM {row['id']}: {predicted}")
    return {"tp": tp, "fn": fn, "fp": fp, "clean": clean, "alarms": alarms}


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def summary(result: dict) -> dict:
    tp, fp, fn = (sum(result[k][e] for e in CLAIMED) for k in ("tp", "fp", "fn"))
    precision, recall, f1 = prf(tp, fp, fn)
    per_entity = {e: prf(result["tp"][e], result["fp"][e], result["fn"][e]) for e in CLAIMED}
    return {"micro": (precision, recall, f1), "per_entity": per_entity,
            "false_alarm_rate": result["alarms"] / result["clean"] if result["clean"] else 0.0}


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

    rows = load_corpus()
    result = evaluate(rows, PersonalDataDetector(key=b"k" * 32), args.errors)
    figures = summary(result)
    labelled = Counter(label["entity"] for row in rows for label in row["labels"])
    print(f"corpus: {len(rows)} messages, {result['clean']} without personal data, "
          f"{sum(labelled.values())} labels (written by the project, tests/privacy/corpus)")
    print(f"{'entity':18s} {'labels':>6s} {'tp':>4s} {'fp':>4s} {'fn':>4s} {'prec':>6s} {'recall':>6s} {'f1':>6s}")
    for entity in CLAIMED:
        precision, recall, f1 = figures["per_entity"][entity]
        print(f"{entity:18s} {labelled[entity]:6d} {result['tp'][entity]:4d} {result['fp'][entity]:4d} "
              f"{result['fn'][entity]:4d} {precision:6.3f} {recall:6.3f} {f1:6.3f}")
    precision, recall, f1 = figures["micro"]
    print(f"{'micro':18s} {'':6s} {'':4s} {'':4s} {'':4s} {precision:6.3f} {recall:6.3f} {f1:6.3f}")
    print(f"false alarms: {result['alarms']} of {result['clean']} messages without personal data "
          f"({figures['false_alarm_rate']:.1%})")
    rates, cpu_rates = cold_throughput(rows, args.runs)
    affinity = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"throughput (cold, cpus {affinity}, load {load:.1f}): median {statistics.median(rates):,.0f} msg/s "
          f"wall, {statistics.median(cpu_rates):,.0f} msg/s per CPU-second "
          f"(wall runs: {', '.join(f'{r:,.0f}' for r in rates)})")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
