"""Reverse unsalted hashes of enumerable identifiers: proof that a "hashed" column is personal data.

WP216 §4: a hash of a value from a known, small input space can be replayed. One MAC vendor
prefix is 2^24 candidates, one birth year of personnummer about 365,000: minutes of CPU.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import multiprocessing
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field

from muniscan.privacy.detection.identifiers import PLATE_LETTERS, luhn_check_digit

ALGORITHM_BY_HEX_LENGTH = {32: "md5", 40: "sha1", 64: "sha256"}
# Frequent vendors in municipal IoT and in visitors' pockets (IEEE MA-L; see stdnum/oui.dat).
COMMON_OUIS = ("a45e60", "f0d1a9", "3c2eff", "dca632", "b827eb", "240ac4", "3c71bf", "fcf5c4",
               "f4f5d8", "f8e079", "001a11", "5c0a5b")
MAC_FORMATS = ("colon_lower", "colon_upper", "bare_lower", "bare_upper", "dash_lower",
               "dash_upper", "raw")
PNR_FORMATS = ("yyyymmdd-nnnc", "yyyymmddnnnc", "yymmdd-nnnc", "yymmddnnnc")
MOBILE_PREFIXES = ("070", "072", "073", "076", "079")
MOBILE_FORMATS = ("national", "e164", "e164_no_plus")
PLATE_FORMATS = ("compact", "spaced")

Chunk = tuple  # (kind, *parameters); small so it pickles cheaply to workers


@dataclass(frozen=True)
class ReversalReport:
    """What was tried against which unsalted digests, and how many fell."""

    algorithm: str
    distinct_hashes: int
    reversed_hashes: int
    reversed_by_kind: dict[str, int]
    candidates_tried: int
    seconds: float
    budget_seconds: float
    exhausted_budget: bool
    kinds_completed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


@functools.cache
def _mac_suffixes(fmt: str) -> tuple[bytes, ...]:
    """The last two octets in one notation: 65,536 byte strings, built once per process."""
    if fmt == "raw":
        return tuple(bytes((a, b)) for a in range(256) for b in range(256))
    upper = fmt.endswith("upper")
    sep = {"colon": ":", "dash": "-", "bare": ""}[fmt.split("_")[0]]
    pattern = "{:02X}" if upper else "{:02x}"
    return tuple(f"{sep}{pattern.format(a)}{sep}{pattern.format(b)}".encode()
                 for a in range(256) for b in range(256))


def _mac_prefix(oui: str, fourth: int, fmt: str) -> bytes:
    octets = [oui[0:2], oui[2:4], oui[4:6], f"{fourth:02x}"]
    if fmt == "raw":
        return bytes(int(o, 16) for o in octets)
    if fmt.endswith("upper"):
        octets = [o.upper() for o in octets]
    sep = {"colon": ":", "dash": "-", "bare": ""}[fmt.split("_")[0]]
    return sep.join(octets).encode()


def _candidates(chunk: Chunk) -> Iterator[bytes]:
    kind = chunk[0]
    if kind == "mac":
        _, oui, fourth, fmt = chunk
        prefix = _mac_prefix(oui, fourth, fmt)
        return (prefix + suffix for suffix in _mac_suffixes(fmt))
    if kind == "personnummer":
        _, year, fmt = chunk
        return (c.encode() for c in _personnummer_year(year, fmt))
    if kind == "mobile":
        _, prefix, block, fmt = chunk
        head = {"national": prefix, "e164": "+46" + prefix[1:], "e164_no_plus": "46" + prefix[1:]}
        start = head[fmt] + str(block)
        return (f"{start}{i:06d}".encode() for i in range(1_000_000))
    if kind == "plate":
        _, letters, fmt = chunk
        space = " " if fmt == "spaced" else ""
        tails = [f"{d:03d}" for d in range(1, 1000)] + [
            f"{d:02d}{last}" for d in range(100) for last in PLATE_LETTERS]
        return (f"{letters}{third}{space}{tail}".encode() for third in PLATE_LETTERS
                for tail in tails)
    raise ValueError(f"unknown chunk kind {kind}")


def _personnummer_year(year: int, fmt: str) -> Iterator[str]:
    import datetime as dt

    day = dt.date(year, 1, 1)
    while day.year == year:
        yymmdd = day.strftime("%y%m%d")
        for serial in range(1, 1000):
            body = f"{yymmdd}{serial:03d}"
            tail = f"{serial:03d}{luhn_check_digit(body)}"
            century = str(year // 100) if fmt.startswith("yyyy") else ""
            sep = "-" if "-" in fmt else ""
            yield f"{century}{yymmdd}{sep}{tail}"
        day += dt.timedelta(days=1)


_worker_targets: frozenset[bytes] = frozenset()
_worker_algorithm = "sha256"


def _init_worker(targets: frozenset[bytes], algorithm: str) -> None:
    global _worker_targets, _worker_algorithm
    _worker_targets, _worker_algorithm = targets, algorithm


def hash_chunk(chunk: Chunk) -> tuple[Chunk, int, list[tuple[str, str]]]:
    """Hash every candidate of a chunk; return (chunk, tried, [(candidate, hex digest)])."""
    constructor = getattr(hashlib, _worker_algorithm)
    targets = _worker_targets
    candidates = list(_candidates(chunk))
    hits = [c for c in candidates if constructor(c).digest() in targets]
    found = [(c.hex() if chunk[-1] == "raw" else c.decode(), constructor(c).hexdigest())
             for c in hits]
    return chunk, len(candidates), found


def plan_chunks(kinds: Iterable[str], ouis: Iterable[str] = COMMON_OUIS,
                birth_years: Iterable[int] = range(2010, 1929, -1),
                mac_formats: Iterable[str] = MAC_FORMATS) -> Iterator[Chunk]:
    """Chunks in the order most likely to hit first (common formats, common vendors, adults)."""
    kinds = list(kinds)
    if "mac" in kinds:
        for fmt, oui in itertools.product(list(mac_formats), list(ouis)):
            for fourth in range(256):
                yield ("mac", oui, fourth, fmt)
    if "personnummer" in kinds:
        for year, fmt in itertools.product(list(birth_years), PNR_FORMATS):
            yield ("personnummer", year, fmt)
    if "mobile" in kinds:
        for fmt, prefix in itertools.product(MOBILE_FORMATS, MOBILE_PREFIXES):
            for block in range(10):
                yield ("mobile", prefix, block, fmt)
    if "plate" in kinds:
        for fmt in PLATE_FORMATS:
            for first, second in itertools.product(PLATE_LETTERS, repeat=2):
                yield ("plate", first + second, fmt)


def reverse_hashes(digests: Iterable[str], kinds: Iterable[str] = ("mac", "personnummer",
                   "mobile", "plate"), budget_seconds: float = 30.0, workers: int | None = None,
                   chunks: Iterable[Chunk] | None = None) -> tuple[ReversalReport, dict[str, str]]:
    """Try enumerable identifiers against unsalted digests until all fall or the budget ends.

    Returns the report and {digest: recovered value}; callers must mask the values before
    storing anything (the report itself holds no values).
    """
    hex_digests = {d.strip().lower() for d in digests if d}
    lengths = {len(d) for d in hex_digests}
    if len(lengths) != 1 or next(iter(lengths)) not in ALGORITHM_BY_HEX_LENGTH:
        raise ValueError("digests must all be MD5, SHA-1 or SHA-256 hex of one kind")
    algorithm = ALGORITHM_BY_HEX_LENGTH[lengths.pop()]
    targets = frozenset(bytes.fromhex(d) for d in hex_digests)
    plan = iter(chunks if chunks is not None else plan_chunks(kinds))
    recovered: dict[str, str] = {}
    by_kind: dict[str, int] = {}
    tried = 0
    started = time.perf_counter()
    deadline = started + budget_seconds
    exhausted = False
    workers = workers or os.cpu_count() or 1
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with context.Pool(workers, initializer=_init_worker, initargs=(targets, algorithm)) as pool:
        for chunk, count, found in pool.imap_unordered(hash_chunk, plan, chunksize=1):
            tried += count
            for value, digest in found:
                if digest not in recovered:
                    recovered[digest] = value
                    by_kind[chunk[0]] = by_kind.get(chunk[0], 0) + 1
            if len(recovered) == len(targets):
                break
            if time.perf_counter() > deadline:
                exhausted = True
                break
        pool.terminate()
    report = ReversalReport(algorithm=algorithm, distinct_hashes=len(targets),
                            reversed_hashes=len(recovered), reversed_by_kind=by_kind,
                            candidates_tried=tried, seconds=round(time.perf_counter() - started, 3),
                            budget_seconds=budget_seconds, exhausted_budget=exhausted,
                            kinds_completed=[] if exhausted else sorted(set(kinds)))
    return report, recovered
