"""Throughput of muniscan's routed detector vs Presidio's default offline AnalyzerEngine.

Usage: python benchmarks/privacy_detection.py [--messages 10000] [--presidio-messages 2000]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections import Counter

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
os.environ.setdefault("MUNISCAN_HOME", tempfile.mkdtemp(prefix="muniscan-bench-"))

from muniscan.privacy.detection.analyzer import build_default_offline_analyzer
from muniscan.privacy.detection.detector import PersonalDataDetector
from muniscan.privacy.detection.payloads import payload_fields
from muniscan.privacy.detection.synthetic import messages

SHARED_ENTITIES = ("EMAIL_ADDRESS", "IP_ADDRESS", "IBAN_CODE", "MAC_ADDRESS", "CREDIT_CARD")


def time_ours(corpus: list[tuple[str, str]]) -> tuple[float, int]:
    detector = PersonalDataDetector(key=b"k" * 32)
    detector.scan_message('{"warm": "up@example.se"}')
    start = time.perf_counter()
    found = sum(len(detector.scan_message(payload, topic)) for payload, topic in corpus)
    return time.perf_counter() - start, found


def time_presidio(corpus: list[tuple[str, str]]) -> tuple[float, int]:
    analyzer = build_default_offline_analyzer()
    analyzer.analyze("warm up@example.se", language="en")
    start = time.perf_counter()
    found = sum(len(analyzer.analyze(payload, language="en")) for payload, _ in corpus)
    return time.perf_counter() - start, found


def compare_findings(corpus: list[tuple[str, str]]) -> None:
    """Both engines on the same messages, restricted to entity types both implement."""
    detector = PersonalDataDetector(key=b"k" * 32)
    analyzer = build_default_offline_analyzer()
    ours: Counter = Counter()
    theirs: Counter = Counter()
    for payload, _ in corpus:
        for field in payload_fields(payload):
            for r in detector.analyze_field(field.value, field.context):
                if r.entity_type in SHARED_ENTITIES:
                    ours[(r.entity_type, field.value[r.start : r.end])] += 1
        for r in analyzer.analyze(payload, language="en", score_threshold=0.4):
            if r.entity_type in SHARED_ENTITIES:
                theirs[(r.entity_type, payload[r.start : r.end])] += 1
    for entity in SHARED_ENTITIES:
        a = {k for k in ours if k[0] == entity}
        b = {k for k in theirs if k[0] == entity}
        print(f"  {entity:14s} ours {len(a):5d}  presidio-default {len(b):5d}  common {len(a & b):5d}")
    mismatch = 0
    for payload, topic in corpus:
        for field in payload_fields(payload, topic):
            fast = sorted(
                (r.entity_type, r.start, r.end, round(r.score, 6))
                for r in detector.analyze_field(field.value, field.context)
            )
            full = sorted(
                (r.entity_type, r.start, r.end, round(r.score, 6))
                for r in detector.reference_analyze_field(field.value, field.context)
            )
            mismatch += fast != full
    print(f"  routed vs every-recognizer-on-every-field: {mismatch} differing fields")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--presidio-messages", type=int, default=2_000)
    parser.add_argument("--sample", type=int, default=500)
    args = parser.parse_args()
    corpus = list(messages(args.messages, seed=3))
    fields = [(f.value, f.context) for payload, topic in corpus for f in payload_fields(payload, topic)]
    print(
        f"corpus                   : {len(corpus)} messages, {len(fields)} fields, "
        f"{len(set(fields))} distinct (value, key) pairs"
    )
    seconds, found = time_ours(corpus)
    ours_rate = len(corpus) / seconds
    print(
        f"muniscan routed detector : {ours_rate:8.0f} msg/s  ({len(corpus)} messages, "
        f"{found} findings, {seconds:.2f} s, one core)"
    )
    subset = corpus[: args.presidio_messages]
    seconds, found = time_presidio(subset)
    presidio_rate = len(subset) / seconds
    print(
        f"presidio default offline : {presidio_rate:8.0f} msg/s  ({len(subset)} messages, "
        f"{found} results, {seconds:.2f} s)"
    )
    print(f"speed ratio              : {ours_rate / presidio_rate:8.1f}x")
    print(f"findings on a {args.sample}-message sample (entity types both implement):")
    compare_findings(corpus[: args.sample])


if __name__ == "__main__":
    main()
