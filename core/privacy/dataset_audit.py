"""Dataset audit: is an "anonymised" open-data file anonymous under the WP216 three-risk test?"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from muniscan.privacy.anonymity import AnonymityResult, evaluate, quasi_identifier_classes
from muniscan.privacy.dataset_io import Table, read_table
from muniscan.privacy.detection import PersonalDataDetector
from muniscan.privacy.masking import mask_value
from muniscan.privacy.payloads import key_words
from muniscan.privacy.population import PopulationUniqueness, population_uniqueness
from muniscan.privacy.precision import (
    LATITUDE_NAMES,
    LONGITUDE_NAMES,
    coordinate_precision_metres,
    timestamp_resolution,
)
from muniscan.privacy.reidentification import ReidentificationRisk, reidentification_risk
from muniscan.privacy.reversal import ReversalReport, reverse_hashes

SAMPLE_VALUES = 200
DIRECT_IDENTIFIER_SHARE = 0.5
DEFAULT_K = 5
DEFAULT_T = 0.2
QUASI_IDENTIFIER_HINTS = {"age", "ålder", "sex", "gender", "kön", "zip", "postcode", "postnummer",
                          "birth", "born", "födelseår", "födelsedatum", "kommun", "municipality",
                          "district", "stadsdel", "race", "ethnic", "marital", "education",
                          "occupation", "yrke", "country", "nationality", "relationship"}
_HASH_KIND_HINTS = {"mac": "mac", "bssid": "mac", "device": "mac", "pnr": "personnummer",
                    "personnummer": "personnummer", "ssn": "personnummer", "phone": "mobile",
                    "mobile": "mobile", "msisdn": "mobile", "plate": "plate", "regnr": "plate"}


@dataclass(frozen=True)
class ColumnFinding:
    """What a column holds, judged from a sample of its values and its name."""

    column: str
    category: str
    share_of_sample: float
    masked_examples: list[str]


@dataclass(frozen=True)
class RiskVerdict:
    """One WP216 risk (singling out, linkability, inference) with the reasons behind it."""

    risk: str
    present: bool
    reasons: list[str]


@dataclass(frozen=True)
class DatasetAuditReport:
    """Everything the DPO needs to decide whether a file may be published as anonymous."""

    path: str
    records: int
    columns: list[str]
    missing_policy: str
    direct_identifiers: list[ColumnFinding]
    hashed_columns: list[str]
    quasi_identifiers: list[str]
    quasi_identifiers_suggested: bool
    sensitive: list[str]
    anonymity: AnonymityResult | None
    reidentification: ReidentificationRisk | None
    population: PopulationUniqueness | None
    hash_reversal: dict[str, ReversalReport]
    timestamp_resolution: dict[str, str]
    coordinate_precision_m: dict[str, float]
    verdicts: list[RiskVerdict]
    anonymous: bool
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def classify_columns(table: Table, detector: PersonalDataDetector) -> list[ColumnFinding]:
    """Columns where at least half the sampled values are one kind of personal data."""
    findings = []
    for name, values in table.columns.items():
        sample = list(dict.fromkeys(v for v in values if v is not None))[:SAMPLE_VALUES]
        if not sample:
            continue
        context = key_words(name)
        counts: dict[str, int] = {}
        examples: dict[str, list[str]] = {}
        for value in sample:
            kinds = {r.entity_type: value[r.start:r.end]
                     for r in detector.analyze_field(value, context)}
            for kind, matched in kinds.items():
                counts[kind] = counts.get(kind, 0) + 1
                examples.setdefault(kind, []).append(mask_value(kind, matched))
        if counts:
            kind, count = max(counts.items(), key=lambda item: item[1])
            if count / len(sample) >= DIRECT_IDENTIFIER_SHARE:
                findings.append(ColumnFinding(name, kind, round(count / len(sample), 3),
                                              examples[kind][:3]))
    return findings


def suggest_quasi_identifiers(table: Table, excluded: set[str]) -> list[str]:
    """Named demographic/location columns, else low-cardinality columns (2..n/2 values)."""
    candidates = [c for c in table.names if c not in excluded]
    named = [c for c in candidates if set(key_words(c)) & QUASI_IDENTIFIER_HINTS]
    if named:
        return named
    n = table.n_rows
    return [c for c in candidates
            if 2 <= len(set(table.columns[c])) <= max(2, n // 2)]


def _hash_kinds(column: str) -> tuple[str, ...]:
    hinted = {_HASH_KIND_HINTS[w] for w in key_words(column) if w in _HASH_KIND_HINTS}
    return tuple(sorted(hinted)) or ("mac", "personnummer", "mobile", "plate")


def audit_dataset(path: Path | str, quasi_identifiers: list[str] | None = None,
                  sensitive: list[str] | None = None, population: float | None = None,
                  budget_seconds: float = 20.0, missing: str = "category", k_threshold: int =
                  DEFAULT_K, t_threshold: float = DEFAULT_T,
                  detector: PersonalDataDetector | None = None) -> DatasetAuditReport:
    """Audit one CSV/JSON/Parquet file; `population` is N for population-uniqueness estimates."""
    table = read_table(path)
    detector = detector or PersonalDataDetector()
    findings = classify_columns(table, detector)
    hashed = [f.column for f in findings if f.category == "HASHED_IDENTIFIER"]
    direct = [f for f in findings if f.category != "HASHED_IDENTIFIER"]
    sensitive = list(sensitive or [])
    suggested = quasi_identifiers is None
    excluded = {f.column for f in findings} | set(sensitive)
    qis = list(quasi_identifiers) if quasi_identifiers else suggest_quasi_identifiers(table, excluded)
    notes = [f"missing values: policy '{missing}'"]

    anonymity = risk = uniqueness = None
    if qis:
        anonymity = evaluate(table.columns, qis, sensitive, missing=missing)
        classes, _ = quasi_identifier_classes(table.columns, qis, missing)
        risk = reidentification_risk(classes.sizes)
        if population:
            uniqueness = population_uniqueness(classes.sizes, population)
        if anonymity.records_evaluated < anonymity.records:
            notes.append(f"{anonymity.records - anonymity.records_evaluated} records with missing "
                         "quasi-identifiers were excluded (policy 'drop')")

    reversal: dict[str, ReversalReport] = {}
    per_column_budget = budget_seconds / max(1, len(hashed))
    for column in hashed:
        digests = sorted({v.lower() for v in table.columns[column] if v})[:10_000]
        lengths = {len(d) for d in digests}
        if len(lengths) == 1 and per_column_budget > 0:
            report, _recovered = reverse_hashes(digests, kinds=_hash_kinds(column),
                                                budget_seconds=per_column_budget)
            reversal[column] = report

    timestamps = {c: r for c in table.names if (r := timestamp_resolution(table.columns[c][:5000]))}
    coordinates = {c: round(m, 2) for c in table.names
                   if set(key_words(c)) & (LATITUDE_NAMES | LONGITUDE_NAMES)
                   and (m := coordinate_precision_metres(table.columns[c][:5000])) is not None}
    verdicts = _verdicts(direct, hashed, reversal, anonymity, uniqueness, timestamps, coordinates,
                         k_threshold, t_threshold)
    return DatasetAuditReport(
        path=str(path), records=table.n_rows, columns=table.names, missing_policy=missing,
        direct_identifiers=direct, hashed_columns=hashed, quasi_identifiers=qis,
        quasi_identifiers_suggested=suggested, sensitive=sensitive, anonymity=anonymity,
        reidentification=risk, population=uniqueness, hash_reversal=reversal,
        timestamp_resolution=timestamps, coordinate_precision_m=coordinates, verdicts=verdicts,
        anonymous=not any(v.present for v in verdicts), notes=notes)


def _verdicts(direct, hashed, reversal, anonymity, uniqueness, timestamps, coordinates,
              k_threshold: int, t_threshold: float) -> list[RiskVerdict]:
    singling, linking, inferring = [], [], []
    for finding in direct:
        singling.append(f"column '{finding.column}' holds {finding.category} "
                        f"({finding.share_of_sample:.0%} of sampled values)")
        linking.append(f"direct identifier '{finding.column}' links records to other sources")
    for column in hashed:
        report = reversal.get(column)
        linking.append(f"column '{column}' is a stable unkeyed hash (pseudonym, WP216 Table 6: "
                       "hashing leaves singling out and linkability)")
        singling.append(f"pseudonym column '{column}' singles out each data subject")
        if report and report.reversed_hashes:
            singling.append(f"{report.reversed_hashes} of {report.distinct_hashes} {report.algorithm}"
                            f" digests in '{column}' reversed in {report.seconds:.1f} s")
    if anonymity is not None:
        if anonymity.k < k_threshold:
            singling.append(f"k = {anonymity.k} < {k_threshold} on {anonymity.quasi_identifiers}; "
                            f"{anonymity.sample_uniques} records are unique "
                            f"({anonymity.sample_unique_share:.1%})")
        if anonymity.sample_uniques:
            linking.append(f"{anonymity.sample_uniques} records are unique on the quasi-identifiers"
                           " and can be joined to registers holding the same attributes")
        for stats in anonymity.sensitive:
            if stats.l_distinct < 2:
                inferring.append(f"'{stats.attribute}': some class has a single value (ℓ = 1)")
            if stats.t_closeness > t_threshold:
                inferring.append(f"'{stats.attribute}': t = {stats.t_closeness:.3f} > {t_threshold}")
    if uniqueness is not None and uniqueness.dankar > 0:
        singling.append(f"estimated population uniqueness {uniqueness.dankar:.2%} "
                        f"({uniqueness.dankar_model}, N = {math.floor(uniqueness.population)})")
    for column, unit in timestamps.items():
        if unit in ("second", "subsecond", "minute"):
            linking.append(f"'{column}' has {unit} resolution: events join across datasets")
    for column, metres in coordinates.items():
        if metres < 1000:
            linking.append(f"'{column}' resolves to ~{metres:g} m: home/work places identify")
    return [RiskVerdict("singling out", bool(singling), singling),
            RiskVerdict("linkability", bool(linking), linking),
            RiskVerdict("inference", bool(inferring), inferring)]
