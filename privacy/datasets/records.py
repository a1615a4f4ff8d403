"""A dataset audit's verdict in one word, input errors that name file, line and column, and the stored result."""

import csv
import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlmodel import Session

from muniscan.privacy.datasets.audit import DatasetAuditReport, audit_dataset
from muniscan.privacy.datasets.table import MAX_CELL_CHARS, TableFormatError, sniff_delimiter, unique_header
from muniscan.privacy.datasets.trajectory import TrajectoryReport
from muniscan.privacy.datasets.verdicts import EDPB_PSEUDONYMISATION, IDENTIFIABLE, glossary_for
from muniscan.store import Store
from muniscan.store.models import DatasetAudit

MAX_TABLE_BYTES = 1 << 30


class DatasetInputError(ValueError):
    """The file cannot be audited as given; the message reads `file:line:column: problem`."""


def verdict(report: DatasetAuditReport) -> str:
    """anonymous, pseudonymised (hashed or tokenised identifiers, still personal data) or personal.

    A hash that was reversed is no pseudonym: nothing kept apart is needed to undo it (EDPB 01/2025).
    """
    if report.anonymous:
        return "anonymous"
    reversed_any = any(r.reversed_hashes for r in report.hash_reversal.values())
    if report.hashed_columns and not report.direct_identifiers and not reversed_any:
        return "pseudonymised"
    return "personal"


def _terms(report: DatasetAuditReport) -> set[str]:
    """The metrics this audit reports, for the glossary."""
    terms = {"quasi-identifiers", "k", "sample uniques", "prosecutor risk"} if report.anonymity else set()
    if report.persons:
        terms.add("persons")
    if report.anonymity and report.anonymity.sensitive:
        terms |= {"ℓ-diversity", "t-closeness"}
    if report.reidentification and report.individual_risk:
        terms |= {"journalist risk", "marketer risk", "individual risk"}
    if report.population:
        terms |= {"population uniqueness", report.population.dankar_model}
    if report.hash_reversal:
        terms.add("hash reversal")
    if report.trajectory:
        terms.add("trace uniqueness")
    return terms


def _header(path: Path) -> list[str]:
    """Column names, checking the structure on the way so a bad row is named before any metric runs."""
    suffix = path.suffix.lower()
    if suffix in (".json", ".jsonl", ".ndjson"):
        text = path.read_text(encoding="utf-8")
        try:
            document = json.loads(text)
            records = (document.get("records") or document.get("data")) if isinstance(document, dict) else document
        except json.JSONDecodeError as whole:
            records = []
            for number, line in enumerate(text.splitlines(), 1):
                if line.strip():
                    try:
                        records.append(json.loads(line))
                    except json.JSONDecodeError as exc:
                        # not JSON Lines either: report where the document itself broke
                        at, column, msg = (
                            (whole.lineno, whole.colno, whole.msg) if number == 1 else (number, exc.colno, exc.msg)
                        )
                        raise DatasetInputError(f"{path}:{at}:{column}: invalid JSON: {msg}") from None
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise DatasetInputError(f"{path}:1:1: expected a list of objects (or JSON Lines)")
        names: dict[str, None] = {}
        for record in records:
            names.update(dict.fromkeys(record))
        return list(names)
    if suffix in (".parquet", ".pq"):
        return []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        sample = handle.read(65536)
        handle.seek(0)
        if not sample.strip():
            raise DatasetInputError(f"{path}:1:1: the file is empty")
        csv.field_size_limit(MAX_CELL_CHARS)
        reader = csv.reader(handle, delimiter=sniff_delimiter(sample))
        try:
            header = unique_header(path, next(reader))
            for row in reader:
                if len(row) > len(header):
                    column = len(header) + 1
                    raise DatasetInputError(
                        f"{path}:{reader.line_num}:{column}: {len(row)} fields, but the header names {len(header)}"
                    )
        except csv.Error as exc:
            raise DatasetInputError(
                f"{path}:{reader.line_num}: {exc} (a cell may hold at most {MAX_CELL_CHARS} characters)"
            ) from None
    return header


def check_input(path: Path, columns: list[str]) -> None:
    """Refuse unreadable files and unknown column names before the audit starts."""
    if not path.is_file():
        raise DatasetInputError(f"{path}: no such file")
    size = path.stat().st_size
    if size > MAX_TABLE_BYTES:
        raise DatasetInputError(
            f"{path}: {size} bytes; a dataset may be at most {MAX_TABLE_BYTES} bytes "
            "(it is read into memory): split it or audit a sample"
        )
    try:
        header = _header(path)
    except TableFormatError as exc:
        raise DatasetInputError(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise DatasetInputError(f"{path}: byte {exc.start}: not UTF-8 text ({exc.reason})") from None
    for name in columns:
        if header and name not in header:
            raise DatasetInputError(f"{path}:1: no column {name!r}; the columns are {', '.join(header)}")


def store_audit(session: Session, path: Path, report: DatasetAuditReport) -> DatasetAudit:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    row = DatasetAudit(
        path=str(path),
        sha256=digest,
        rows=report.records,
        personal_data=not report.anonymous,
        verdict=verdict(report),
        report=json.loads(json.dumps(report.to_dict(), default=str)),
    )
    session.add(row)
    return row


def summary(report: DatasetAuditReport) -> dict[str, Any]:
    """The figures a DPO reads first: verdict, WP216 risks, k/ℓ/t, risks, uniqueness, hashes reversed, traces,
    and the generalisation that would reach k."""
    anonymity, risk, population = report.anonymity, report.reidentification, report.population
    return {
        "file": report.path,
        "records": report.records,
        "verdict": verdict(report),
        "personal_data": not report.anonymous,
        "risks": {
            v.risk: {"present": v.present, "question": v.question, "reasons": v.reasons} for v in report.verdicts
        },
        "unit": report.unit,
        "persons": (
            {
                "pseudonym": report.persons.pseudonym,
                "persons": report.persons.persons,
                "rows": report.persons.rows,
                "rows_without_pseudonym": report.persons.rows_without_pseudonym,
                "varying": report.persons.varying,
            }
            if report.persons
            else None
        ),
        "quasi_identifiers": report.quasi_identifiers,
        "quasi_identifiers_suggested": report.quasi_identifiers_suggested,
        "k": anonymity.k if anonymity else None,
        "sample_uniques": anonymity.sample_uniques if anonymity else None,
        "sample_unique_share": anonymity.sample_unique_share if anonymity else None,
        "l": {s.attribute: s.l_distinct for s in anonymity.sensitive} if anonymity else {},
        "t": {s.attribute: s.t_closeness for s in anonymity.sensitive} if anonymity else {},
        "prosecutor_risk": {"highest": risk.prosecutor_highest, "average": risk.prosecutor_average} if risk else None,
        "population_uniqueness": (
            {"estimate": population.dankar, "model": population.dankar_model, "population": population.population}
            if population
            else None
        ),
        "direct_identifiers": [
            {"column": f.column, "category": f.category, "masked_examples": f.masked_examples}
            for f in report.direct_identifiers
        ],
        "hashed_columns": report.hashed_columns,
        "randomised_macs": {c: {"randomised": r, "distinct": d} for c, (r, d) in report.randomised_macs.items()},
        "hashes_reversed": {
            column: {
                "algorithm": r.algorithm,
                "reversed": r.reversed_hashes,
                "distinct": r.distinct_hashes,
                "judgement": IDENTIFIABLE if r.reversed_hashes else "pseudonymised unless reversed with more time",
                "reference": EDPB_PSEUDONYMISATION,
                "tried": r.limits(),
                "seconds": r.seconds,
                "budget_seconds": r.budget_seconds,
                "candidates_tried": r.candidates_tried,
                "candidates_planned": r.candidates_planned,
                "hashes_per_second": r.hashes_per_second,
                "seconds_to_exhaust": r.seconds_to_exhaust,
                "mac_prefixes_tried": r.mac_prefixes_tried,
                "mac_prefixes_planned": r.mac_prefixes_planned,
                "mac_vendors_tried": r.mac_vendors_tried,
                "mac_notation": r.mac_notation,
            }
            for column, r in report.hash_reversal.items()
        },
        "individual_risk": asdict(report.individual_risk) if report.individual_risk else None,
        "trajectory": _trajectory(report.trajectory) if report.trajectory else None,
        "generalisation": asdict(report.generalisation) if report.generalisation else None,
        "notes": report.notes,
        "glossary": glossary_for(_terms(report)),
    }


def _trajectory(trajectory: TrajectoryReport) -> dict[str, Any]:
    """Share of pseudonyms singled out by p = 1..4 points at each tested resolution (None: no trace that long)."""
    return {
        "pseudonym": trajectory.pseudonym,
        "time": trajectory.time,
        "place": trajectory.place,
        "events": trajectory.events,
        "events_used": trajectory.events_used,
        "unusable": trajectory.unusable,
        "pseudonyms": trajectory.pseudonyms,
        "pseudonyms_sampled": trajectory.pseudonyms_sampled,
        "unique": trajectory.unique,
        "threshold": trajectory.threshold,
        "suggestion": trajectory.suggestion,
        "levels": [
            {
                "time": level.time,
                "place": level.place,
                "points": level.distinct_points,
                "singled_out": {str(u.points): u.share for u in level.unicity},
            }
            for level in trajectory.levels
        ],
    }


def audit_and_store(
    store: Store,
    path: Path,
    quasi: list[str] | None,
    sensitive: list[str] | None,
    place: list[str] | None,
    pseudonym: str | None,
    time: str | None,
    weight: str | None,
    **options: Any,
) -> dict[str, Any]:
    """`muniscan dataset audit` as one service: refuse bad input before reading, audit, store, summarise.

    Raises DatasetInputError or HierarchyError for input the caller should name back to the user;
    nothing is stored unless the audit completes.
    """
    named = [*(quasi or []), *(sensitive or []), *(place or []), *(c for c in (pseudonym, time, weight) if c)]
    check_input(path, named)
    report = audit_dataset(path, quasi, sensitive, pseudonym=pseudonym, time=time, place=place, weight=weight,
                           **options)  # fmt: skip
    with store.session() as session:
        row = store_audit(session, path, report)
        session.commit()
        return {"audit_id": row.id, **summary(report)}
