"""Read CSV (delimiter sniffed), JSON/JSON Lines and Parquet into columns of strings."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from muniscan.privacy.datasets.anonymity import encode

# Missing-value policy, part 1: these spellings (after stripping) are missing, nothing else.
# "?" (UCI Adult's marker) is kept as a value, as pyCANON and ARX do.
MISSING_TOKENS = frozenset({"", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", "none"})


@dataclass(frozen=True)
class Table:
    """Columns of cell text, None where missing; column order as in the file."""

    columns: dict[str, list[str | None]]

    @property
    def names(self) -> list[str]:
        return list(self.columns)

    @property
    def n_rows(self) -> int:
        return len(next(iter(self.columns.values()), []))


def _cell(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    text = str(value).strip()
    return None if text in MISSING_TOKENS else text


def sniff_delimiter(sample: str) -> str:
    """`,`, `;`, tab or `|`; ARX exports use `;`."""
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        first_line = sample.splitlines()[0] if sample else ""
        return max(",;\t|", key=first_line.count)


# A cell larger than this is refused with its line: no published dataset needs one, and csv's own limit
# (128 KiB) ends in an error without a line number.
MAX_CELL_CHARS = 1 << 20


class TableFormatError(ValueError):
    """A table file that cannot be read as columns: the message names the file, line or columns."""


def unique_header(path: Path, header: list[str]) -> list[str]:
    """Column names, stripped; names equal after stripping would make one column hide another."""
    names = [name.strip() for name in header]
    seen: dict[str, list[str]] = {}
    for raw, name in zip(header, names, strict=True):
        seen.setdefault(name, []).append(raw)
    repeated = {name: raws for name, raws in seen.items() if len(raws) > 1}
    if repeated:
        listed = "; ".join(" and ".join(repr(raw) for raw in raws) for raws in repeated.values())
        raise TableFormatError(f"{path}:1: repeated column name(s): {listed}; rename them so each is unique")
    return names


def read_csv(path: Path, delimiter: str | None = None) -> Table:
    csv.field_size_limit(MAX_CELL_CHARS)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        sample = handle.read(65536)
        handle.seek(0)
        reader = csv.reader(handle, delimiter=delimiter or sniff_delimiter(sample))
        try:
            header = unique_header(path, next(reader, []))
            rows = list(reader)
        except csv.Error as exc:
            raise TableFormatError(
                f"{path}:{reader.line_num}: {exc} (a cell may hold at most {MAX_CELL_CHARS} characters)"
            ) from None
    if not header:
        raise TableFormatError(f"{path}:1: no header row")
    columns: dict[str, list[str | None]] = {}
    for index, name in enumerate(header):
        columns[name] = [_cell(row[index]) if index < len(row) else None for row in rows]
    return Table(columns)


def read_json(path: Path) -> Table:
    """A list of objects, {"records"|"data": [...]}, or JSON Lines."""
    text = path.read_text(encoding="utf-8")
    try:
        document = json.loads(text)
        found = document.get("records") or document.get("data") if isinstance(document, dict) else document
        records = found if isinstance(found, list) else []
    except json.JSONDecodeError:
        records = [json.loads(line) for line in text.splitlines() if line.strip()]
    names: dict[str, None] = {}
    for record in records:
        names.update(dict.fromkeys(record))
    return Table({name: [_cell(record.get(name)) for record in records] for name in names})


def read_parquet(path: Path) -> Table:
    import pyarrow.parquet as pq

    arrow = pq.read_table(path)
    return Table({name: [_cell(v) for v in arrow.column(name).to_pylist()] for name in arrow.column_names})


def read_table(path: Path | str) -> Table:
    """Dispatch on the file suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return read_parquet(path)
    if suffix in (".json", ".jsonl", ".ndjson"):
        return read_json(path)
    return read_csv(path)


def _float_or_nan(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


def parse_numbers(values: Sequence[str | None]) -> np.ndarray:
    """Floats per value, NaN where missing or not a finite number; per-value parsing only if garbage is present."""
    texts = ["nan" if v is None else v for v in values]
    try:
        numbers = np.array(texts, dtype=str).astype(float)
    except ValueError:
        codes, uniques = encode(texts)
        numbers = np.array([_float_or_nan(u or "") for u in uniques] or [math.nan])[codes]
    numbers[~np.isfinite(numbers)] = np.nan
    return numbers
