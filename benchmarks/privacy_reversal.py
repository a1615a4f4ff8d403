"""Reverse every unsalted SHA-256 of MACs under one vendor prefix (2^24 candidates), or, with --registry, a
people counter's export of phones under the first-ranked block of N vendors, found from the IEEE registry.

Usage: python benchmarks/privacy_reversal.py [--targets 1000] [--workers 2] [--all-formats]
       python benchmarks/privacy_reversal.py --registry [--vendors Huawei,Samsung,Xiaomi] [--budget 600]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import time

from muniscan.privacy.datasets.mac_vendors import ranked_prefixes
from muniscan.privacy.datasets.reversal import MAC_FORMATS, reverse_hashes

OUI = "a45e60"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--targets", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--all-formats", action="store_true", help="also try upper case, bare, dashed and raw-byte notations"
    )
    parser.add_argument(
        "--registry",
        action="store_true",
        help="plan from the registry ranking (the audit's default) instead of one fixed prefix",
    )
    parser.add_argument("--vendors", default="Huawei,Samsung,Xiaomi")
    parser.add_argument("--budget", type=float, default=600.0)
    args = parser.parse_args()
    if args.registry:
        registry_run(args)
        return
    rng = random.Random(42)
    macs = {
        f"a4:5e:60:{rng.randrange(256):02x}:{rng.randrange(256):02x}:{rng.randrange(256):02x}"
        for _ in range(args.targets)
    }
    # The last octet block 0xff is always planted, so the whole space must be walked.
    macs.add("a4:5e:60:ff:ff:ff")
    digests = [hashlib.sha256(m.encode()).hexdigest() for m in macs]
    formats = MAC_FORMATS if args.all_formats else ("colon_lower",)
    chunks = [("mac", OUI, fourth, fmt) for fmt in formats for fourth in range(256)]
    start = time.perf_counter()
    report, recovered = reverse_hashes(digests, budget_seconds=600, workers=args.workers, chunks=chunks)
    seconds = time.perf_counter() - start
    assert all(hashlib.sha256(v.encode()).hexdigest() == d for d, v in recovered.items())
    print(
        f"{report.reversed_hashes}/{report.distinct_hashes} SHA-256 MAC digests reversed; "
        f"{report.candidates_tried:,} candidates ({len(formats)} notation(s)) in {seconds:.1f} s "
        f"with {args.workers} worker(s) = {report.candidates_tried / seconds / 1e6:.2f} M hash/s"
    )


def registry_run(args: argparse.Namespace) -> None:
    """Four phones under the first-ranked block of each vendor, any fourth octet; the plan is the audit's own."""
    ranked = ranked_prefixes()
    rng = random.Random(41)
    macs = set()
    for vendor in args.vendors.split(","):
        index, prefix = next((i, p.prefix) for i, p in enumerate(ranked) if p.vendor == vendor)
        print(f"{vendor}: block {prefix[:2]}:{prefix[2:4]}:{prefix[4:]} at rank {index + 1} of {len(ranked):,}")
        for _ in range(4):
            rest = rng.randrange(2**24)
            macs.add(
                ":".join([prefix[0:2], prefix[2:4], prefix[4:6], *(f"{(rest >> s) & 255:02x}" for s in (16, 8, 0))])
            )
    digests = [hashlib.sha256(m.encode()).hexdigest() for m in macs]
    start = time.perf_counter()
    report, recovered = reverse_hashes(digests, kinds=("mac",), budget_seconds=args.budget, workers=args.workers)
    seconds = time.perf_counter() - start
    assert all(hashlib.sha256(v.encode()).hexdigest() == d for d, v in recovered.items())
    print(
        f"{report.reversed_hashes}/{report.distinct_hashes} reversed in {seconds:.1f} s with {args.workers} "
        f"worker(s), {report.hashes_per_second / 1e6:.2f} M hash/s; {report.limits()}"
    )
    print(f"vendors whose blocks were fully tried: {report.mac_vendors_tried}")


if __name__ == "__main__":
    main()
