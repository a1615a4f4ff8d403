"""Reverse unsalted hashes of enumerable identifiers: proof that a "hashed" column is personal data.

WP216 §4: a hash of a value from a known, small input space can be replayed. One MAC vendor
prefix is 2^24 candidates, one birth year of personnummer about 365,000: minutes of CPU.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import math
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field

from muniscan.privacy.datasets.mac_vendors import ranked_prefixes
from muniscan.privacy.detection.identifiers import PLATE_LETTERS, luhn_check_digit

ALGORITHM_BY_HEX_LENGTH = {32: "md5", 40: "sha1", 64: "sha256"}
PREFIX_BLOCK = 16  # ranked prefixes tried in every notation before the next 16 are started
MAC_FORMATS = ("colon_lower", "colon_upper", "bare_lower", "bare_upper", "dash_lower", "dash_upper", "raw")
PNR_FORMATS = ("yyyymmdd-nnnc", "yyyymmddnnnc", "yymmdd-nnnc", "yymmddnnnc")
MOBILE_PREFIXES = ("070", "072", "073", "076", "079")
MOBILE_FORMATS = ("national", "e164", "e164_no_plus")
PLATE_FORMATS = ("compact", "spaced")

Chunk = tuple  # (kind, *parameters); small so it pickles cheaply to workers


@dataclass(frozen=True)
class ReversalReport:
    """What was tried against which unsalted digests, how many fell, and what trying everything would cost."""

    algorithm: str
    distinct_hashes: int
    reversed_hashes: int
    reversed_by_kind: dict[str, int]
    candidates_tried: int
    seconds: float
    budget_seconds: float
    exhausted_budget: bool
    kinds_completed: list[str] = field(default_factory=list)
    candidates_planned: int = 0
    hashes_per_second: float = 0.0  # this machine's rate in this run
    seconds_to_exhaust: float | None = None  # the whole plan at that rate (None: nothing measured)
    mac_prefixes_planned: int = 0
    mac_prefixes_tried: int = 0  # blocks whose 2^24 addresses were all tried in at least one notation
    mac_vendors_tried: dict[str, int] = field(default_factory=dict)
    mac_notation: str | None = None  # the notation the first reversed MAC was written in; others then skipped

    def to_dict(self) -> dict:
        return asdict(self)

    def limits(self) -> str:
        """The plain statement of what was tried and what was not, with the budget that would try it all."""
        parts = [f"tried {self.candidates_tried:,} of {self.candidates_planned:,} candidates in {self.seconds:.1f} s"]
        if self.mac_prefixes_planned:
            parts.append(f"{self.mac_prefixes_tried:,} of {self.mac_prefixes_planned:,} MAC vendor prefixes")
        if self.seconds_to_exhaust:
            parts.append(
                f"est. {_duration(self.seconds_to_exhaust)} to exhaust at this machine's rate "
                f"(--budget {math.ceil(self.seconds_to_exhaust)})"
            )
        if self.exhausted_budget and self.reversed_hashes < self.distinct_hashes:
            parts.append("digests not reversed within the budget are not shown to be safe")
        return "; ".join(parts)


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


@functools.cache
def _mac_suffixes(fmt: str) -> tuple[bytes, ...]:
    """The last two octets in one notation: 65,536 byte strings, built once per process."""
    if fmt == "raw":
        return tuple(bytes((a, b)) for a in range(256) for b in range(256))
    upper = fmt.endswith("upper")
    sep = {"colon": ":", "dash": "-", "bare": ""}[fmt.split("_")[0]]
    pattern = "{:02X}" if upper else "{:02x}"
    return tuple(f"{sep}{pattern.format(a)}{sep}{pattern.format(b)}".encode() for a in range(256) for b in range(256))


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
        tails = [f"{d:03d}" for d in range(1, 1000)] + [f"{d:02d}{last}" for d in range(100) for last in PLATE_LETTERS]
        return (f"{letters}{third}{space}{tail}".encode() for third in PLATE_LETTERS for tail in tails)
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
    found = [(c.hex() if chunk[-1] == "raw" else c.decode(), constructor(c).hexdigest()) for c in hits]
    return chunk, len(candidates), found


def plan_chunks(
    kinds: Iterable[str],
    ouis: Iterable[str] | None = None,
    birth_years: Iterable[int] = range(2010, 1929, -1),
    mac_formats: Iterable[str] = MAC_FORMATS,
) -> Iterator[Chunk]:
    """Chunks in the order most likely to hit first: ranked vendor prefixes (the registry's, unless `ouis`
    names them) in blocks of 16, each block in every notation, common notations first; adults by birth year."""
    kinds = list(kinds)
    if "mac" in kinds:
        prefixes = list(ouis) if ouis is not None else [p.prefix for p in ranked_prefixes()]
        formats = list(mac_formats)
        for start in range(0, len(prefixes), PREFIX_BLOCK):
            for fmt in formats:
                for oui in prefixes[start : start + PREFIX_BLOCK]:
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


_PLATE_TAILS = 999 + 100 * len(PLATE_LETTERS)


def chunk_size(chunk: Chunk) -> int:
    """Candidates in a chunk, without building them."""
    kind = chunk[0]
    if kind == "mac":
        return 65536
    if kind == "personnummer":
        year = chunk[1]
        return (366 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 365) * 999
    if kind == "mobile":
        return 1_000_000
    return len(PLATE_LETTERS) * _PLATE_TAILS


def planned_candidates(kinds: Iterable[str], mac_prefixes: int, mac_formats: int) -> int:
    """Candidates in the default plan for these kinds (MACs: prefixes x notations x 2^24)."""
    kinds = set(kinds)
    total = mac_prefixes * mac_formats * 2**24 if "mac" in kinds else 0
    if "personnummer" in kinds:
        total += sum(chunk_size(("personnummer", y)) for y in range(2010, 1929, -1)) * len(PNR_FORMATS)
    if "mobile" in kinds:
        total += len(MOBILE_FORMATS) * len(MOBILE_PREFIXES) * 10 * 1_000_000
    if "plate" in kinds:
        total += len(PLATE_FORMATS) * len(PLATE_LETTERS) ** 3 * _PLATE_TAILS
    return total


@dataclass
class _Progress:
    """Running tallies of one reversal: what fell, what was tried, which MAC blocks were completed."""

    recovered: dict[str, str] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    tried: int = 0
    mac_chunks: dict[tuple[str, str], int] = field(default_factory=dict)  # (prefix, notation) -> chunks done
    notation: str | None = None

    def add(self, chunk: Chunk, count: int, found: list[tuple[str, str]]) -> None:
        self.tried += count
        if chunk[0] == "mac":
            key = (chunk[1], chunk[3])
            self.mac_chunks[key] = self.mac_chunks.get(key, 0) + 1
        for value, digest in found:
            if digest not in self.recovered:
                self.recovered[digest] = value
                self.by_kind[chunk[0]] = self.by_kind.get(chunk[0], 0) + 1
                if chunk[0] == "mac" and self.notation is None:
                    self.notation = chunk[3]

    def completed_prefixes(self) -> set[str]:
        return {prefix for (prefix, _), done in self.mac_chunks.items() if done == 256}

    def wanted(self, chunk: Chunk) -> bool:
        """Once a MAC fell, the column's notation is known: other notations are skipped."""
        return chunk[0] != "mac" or self.notation is None or chunk[3] == self.notation


def reverse_hashes(
    digests: Iterable[str],
    kinds: Iterable[str] = ("mac", "personnummer", "mobile", "plate"),
    budget_seconds: float = 30.0,
    workers: int | None = None,
    chunks: Iterable[Chunk] | None = None,
) -> tuple[ReversalReport, dict[str, str]]:
    """Try enumerable identifiers against unsalted digests until all fall, the plan ends or the budget does.

    Work runs on every core (`workers`), a few chunks ahead of the results so the plan is read lazily.
    Returns the report and {digest: recovered value}; callers must mask the values before storing
    anything (the report itself holds no values).
    """
    hex_digests = {d.strip().lower() for d in digests if d}
    lengths = {len(d) for d in hex_digests}
    if len(lengths) != 1 or next(iter(lengths)) not in ALGORITHM_BY_HEX_LENGTH:
        raise ValueError("digests must all be MD5, SHA-1 or SHA-256 hex of one kind")
    algorithm = ALGORITHM_BY_HEX_LENGTH[lengths.pop()]
    targets = frozenset(bytes.fromhex(d) for d in hex_digests)
    kinds = sorted(set(kinds))
    if chunks is not None:
        chunks = list(chunks)
        planned = sum(chunk_size(c) for c in chunks)
        prefixes = sorted({c[1] for c in chunks if c[0] == "mac"})
    else:
        prefixes = [p.prefix for p in ranked_prefixes()] if "mac" in kinds else []
        planned = planned_candidates(kinds, len(prefixes), len(MAC_FORMATS))
    vendor_of = {p.prefix: p.vendor for p in ranked_prefixes()}
    plan = iter(chunks if chunks is not None else plan_chunks(kinds))
    progress = _Progress()
    started = time.perf_counter()
    deadline = started + budget_seconds
    exhausted = False
    workers = workers or os.cpu_count() or 1
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with context.Pool(workers, initializer=_init_worker, initargs=(targets, algorithm)) as pool:
        pending: deque = deque()

        def submit() -> None:
            for chunk in plan:
                if progress.wanted(chunk):
                    pending.append(pool.apply_async(hash_chunk, (chunk,)))
                    return

        for _ in range(workers * 3):
            submit()
        while pending:
            progress.add(*pending.popleft().get())
            if len(progress.recovered) == len(targets):
                break
            if time.perf_counter() > deadline:
                exhausted = True
                break
            submit()
        pool.terminate()
    seconds = time.perf_counter() - started
    rate = progress.tried / seconds if seconds > 0 else 0.0
    if progress.notation is not None and chunks is None:  # one notation left to try
        planned = planned_candidates(kinds, len(prefixes), 1)
    done = progress.completed_prefixes()
    vendors: dict[str, int] = {}
    for prefix in done:
        vendor = vendor_of.get(prefix, "other")
        vendors[vendor] = vendors.get(vendor, 0) + 1
    report = ReversalReport(
        algorithm=algorithm,
        distinct_hashes=len(targets),
        reversed_hashes=len(progress.recovered),
        reversed_by_kind=progress.by_kind,
        candidates_tried=progress.tried,
        seconds=seconds,
        budget_seconds=budget_seconds,
        exhausted_budget=exhausted,
        kinds_completed=[] if exhausted else kinds,
        candidates_planned=planned,
        hashes_per_second=rate,
        seconds_to_exhaust=planned / rate if rate else None,
        mac_prefixes_planned=len(prefixes),
        mac_prefixes_tried=len(done),
        mac_vendors_tried=dict(sorted(vendors.items(), key=lambda kv: -kv[1])),
        mac_notation=progress.notation,
    )
    return report, progress.recovered
