"""Reverse every unsalted SHA-256 of MACs under one vendor prefix (2^24 candidates).

Usage: python benchmarks/privacy_reversal.py [--targets 1000] [--workers 2] [--all-formats]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import time

from muniscan.privacy.datasets.reversal import MAC_FORMATS, reverse_hashes

OUI = "a45e60"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--targets", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--all-formats", action="store_true",
                        help="also try upper case, bare, dashed and raw-byte notations")
    args = parser.parse_args()
    rng = random.Random(42)
    macs = {f"a4:5e:60:{rng.randrange(256):02x}:{rng.randrange(256):02x}:{rng.randrange(256):02x}"
            for _ in range(args.targets)}
    # The last octet block 0xff is always planted, so the whole space must be walked.
    macs.add("a4:5e:60:ff:ff:ff")
    digests = [hashlib.sha256(m.encode()).hexdigest() for m in macs]
    formats = MAC_FORMATS if args.all_formats else ("colon_lower",)
    chunks = [("mac", OUI, fourth, fmt) for fmt in formats for fourth in range(256)]
    start = time.perf_counter()
    report, recovered = reverse_hashes(digests, budget_seconds=600, workers=args.workers,
                                       chunks=chunks)
    seconds = time.perf_counter() - start
    assert all(hashlib.sha256(v.encode()).hexdigest() == d for d, v in recovered.items())
    print(f"{report.reversed_hashes}/{report.distinct_hashes} SHA-256 MAC digests reversed; "
          f"{report.candidates_tried:,} candidates ({len(formats)} notation(s)) in {seconds:.1f} s "
          f"with {args.workers} worker(s) = {report.candidates_tried / seconds / 1e6:.2f} M hash/s")


if __name__ == "__main__":
    main()
