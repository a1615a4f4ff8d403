"""Dataset audit: is an "anonymised" open-data file anonymous under the WP216 three-risk test?"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from muniscan.privacy.datasets.anonymity import (
    AnonymityResult,
    check_missing_policy,
    evaluate,
    quasi_identifier_classes,
)
from muniscan.privacy.datasets.generalisation import Hierarchy
from muniscan.privacy.datasets.generalisation_advice import (
    GeneralisationSuggestion,
    generalisation_hint,
    load_hierarchies,
    suggestion_for_audit,
)
from muniscan.privacy.datasets.population import PopulationUniqueness, population_uniqueness
from muniscan.privacy.datasets.precision import (
    LATITUDE_NAMES,
    LONGITUDE_NAMES,
    coordinate_precision_metres,
    timestamp_resolution,
)
from muniscan.privacy.datasets.reidentification import ReidentificationRisk, reidentification_risk
from muniscan.privacy.datasets.reversal import ReversalReport, reverse_hashes
from muniscan.privacy.datasets.table import Table, read_table
from muniscan.privacy.datasets.trajectory import (
    NOT_PSEUDONYM_CATEGORIES,
    TraceColumns,
    TrajectoryReport,
    find_trace_columns,
    table_unicity,
)
from muniscan.privacy.datasets.weighted_risk import (
    DEFAULT_RISK_THRESHOLD,
    IndividualRisk,
    sampling_weights,
    weighted_reasons,
    weighted_risk,
)
from muniscan.privacy.detection.detector import PersonalDataDetector
from muniscan.privacy.detection.masking import mask_value
from muniscan.privacy.detection.payloads import key_words

SAMPLE_VALUES = 200
PRECISION_SAMPLE = 5000  # values per column read for timestamp and coordinate precision
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
    trajectory: TrajectoryReport | None = None
    individual_risk: IndividualRisk | None = None
    generalisation: GeneralisationSuggestion | None = None

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


def suggest_quasi_identifiers(table: Table, excluded: set[str], about_people: bool = True) -> list[str]:
    """Named demographic/location columns, else, when the records look like records about people (they hold
    identifiers, pseudonyms or sensitive columns), low-cardinality columns (2..n/2 values). Sensor readings
    are not judged by k-anonymity: every reading is unique, and no one is singled out by it."""
    candidates = [c for c in table.names if c not in excluded]
    named = [c for c in candidates if set(key_words(c)) & QUASI_IDENTIFIER_HINTS]
    if named or not about_people:
        return named
    n = table.n_rows
    return [c for c in candidates
            if 2 <= len(set(table.columns[c])) <= max(2, n // 2)]


def _suggested_with_hierarchies(table: Table, excluded: set[str], hierarchies: Mapping[str, Hierarchy],
                                about_people: bool) -> list[str]:
    """Suggested quasi-identifiers plus the columns the DPO wrote a hierarchy for, in table order."""
    chosen = set(suggest_quasi_identifiers(table, excluded, about_people)) | (set(hierarchies) - excluded)
    return [c for c in table.names if c in chosen]


def _hash_kinds(column: str) -> tuple[str, ...]:
    hinted = {_HASH_KIND_HINTS[w] for w in key_words(column) if w in _HASH_KIND_HINTS}
    return tuple(sorted(hinted)) or ("mac", "personnummer", "mobile", "plate")


def _trace_columns(table: Table, findings: list[ColumnFinding], pseudonym: str | None, time: str | None,
                   place: list[str] | None, exclude: set[str]) -> TraceColumns | None:
    """Named trace columns checked, the others detected among identifier, time and place columns."""
    for name in [pseudonym, time, *(place or [])]:
        if name and name not in table.columns:
            raise ValueError(f"no column {name!r}; the columns are {', '.join(table.names)}")
    if place is not None and len(place) not in (1, 2):
        raise ValueError("a place is one zone/sensor column or a latitude,longitude pair")
    ranked = sorted(findings, key=lambda f: f.category != "HASHED_IDENTIFIER")
    identifiers = [f.column for f in ranked if f.category not in NOT_PSEUDONYM_CATEGORIES]
    return find_trace_columns(table, identifiers, pseudonym, time, place, exclude)


def audit_dataset(path: Path | str, quasi_identifiers: list[str] | None = None,
                  sensitive: list[str] | None = None, population: float | None = None,
                  budget_seconds: float = 20.0, missing: str = "category", k_threshold: int =
                  DEFAULT_K, t_threshold: float = DEFAULT_T,
                  detector: PersonalDataDetector | None = None, *, pseudonym: str | None = None,
                  time: str | None = None, place: list[str] | None = None, unicity_threshold: float = 0.0,
                  weight: str | None = None, risk_threshold: float = DEFAULT_RISK_THRESHOLD,
                  hierarchies: Path | str | Mapping[str, Hierarchy] | None = None) -> DatasetAuditReport:
    """Audit one CSV/JSON/Parquet file; `population` is N for population-uniqueness estimates.

    `missing` is "category" or "drop"; `pseudonym`, `time` and `place` name the trace columns (else
    detected); `weight` names a sampling weight column for sdcMicro's individual risk; `hierarchies` (a
    folder of ARX-format CSVs, or {column: Hierarchy}) lets the audit suggest the least-lossy generalisation
    to k_threshold-anonymity. A hierarchy that cannot be read or does not cover the data raises HierarchyError.
    """
    check_missing_policy(missing)
    table = read_table(path)
    hierarchy_map, notes = load_hierarchies(hierarchies, table) if hierarchies is not None else ({}, [])
    weights = sampling_weights(table, weight, Path(path)) if weight else None
    detector = detector or PersonalDataDetector()
    findings = classify_columns(table, detector)
    hashed = [f.column for f in findings if f.category == "HASHED_IDENTIFIER"]
    direct = [f for f in findings if f.category != "HASHED_IDENTIFIER"]
    sensitive = list(sensitive or [])
    trace_columns = _trace_columns(table, findings, pseudonym, time, place, {weight} if weight else set())
    suggested = quasi_identifiers is None
    identifying = {f.column for f in findings} | ({trace_columns.pseudonym} if trace_columns else set())
    excluded = identifying | set(sensitive) | ({weight} if weight else set())
    about_people = bool(findings or trace_columns or sensitive or weight)
    qis = (list(quasi_identifiers) if quasi_identifiers
           else _suggested_with_hierarchies(table, excluded, hierarchy_map, about_people))
    notes.insert(0, f"missing values: policy '{missing}'")
    if not qis and not about_people:
        notes.append("no identifiers, pseudonyms or columns naming a person's attributes were found: the records "
                     "do not look like records about people; if they are, name the quasi-identifiers with --qi")

    anonymity = risk = uniqueness = weighted = generalisation = None
    if qis:
        anonymity = evaluate(table.columns, qis, sensitive, missing=missing)
        classes, kept = quasi_identifier_classes(table.columns, qis, missing)
        class_weights = None if weights is None else np.bincount(classes.of_record, weights=weights[kept])
        risk = reidentification_risk(classes.sizes, class_weights)
        if population:
            uniqueness = population_uniqueness(classes.sizes, population)
        if anonymity.records_evaluated < anonymity.records:
            notes.append(f"{anonymity.records - anonymity.records_evaluated} records with missing "
                         "quasi-identifiers were excluded (policy 'drop')")
        if weights is not None and weight is not None:
            weighted = weighted_risk(table, qis, weights, weight, risk_threshold)
            notes.append("individual risk as sdcMicro computes it: missing key values match any value")
        if hierarchy_map:
            generalisation = suggestion_for_audit(table, qis, kept, hierarchy_map, anonymity, k_threshold, identifying,
                                             notes)

    if weight and not qis:
        notes.append(f"weight column '{weight}' given, but no quasi-identifiers: no individual risk")

    reversal: dict[str, ReversalReport] = {}
    per_column_budget = budget_seconds / max(1, len(hashed))
    for column in hashed:
        digests = sorted({v.lower() for v in table.columns[column] if v})[:10_000]
        lengths = {len(d) for d in digests}
        if len(lengths) == 1 and per_column_budget > 0:
            report, _recovered = reverse_hashes(digests, kinds=_hash_kinds(column),
                                                budget_seconds=per_column_budget)
            reversal[column] = report

    timestamps = _timestamp_resolutions(table, notes)
    coordinates = {c: round(m, 2) for c in table.names
                   if set(key_words(c)) & (LATITUDE_NAMES | LONGITUDE_NAMES)
                   and (m := coordinate_precision_metres(table.columns[c][:PRECISION_SAMPLE])) is not None}
    trajectory = table_unicity(table, trace_columns, threshold=unicity_threshold) if trace_columns else None
    verdicts = _verdicts(direct, hashed, reversal, anonymity, uniqueness, timestamps, coordinates,
                         k_threshold, t_threshold, trajectory=trajectory, weighted=weighted,
                         generalisation=generalisation)
    return DatasetAuditReport(
        path=str(path), records=table.n_rows, columns=table.names, missing_policy=missing,
        direct_identifiers=direct, hashed_columns=hashed, quasi_identifiers=qis,
        quasi_identifiers_suggested=suggested, sensitive=sensitive, anonymity=anonymity,
        reidentification=risk, population=uniqueness, hash_reversal=reversal,
        timestamp_resolution=timestamps, coordinate_precision_m=coordinates, verdicts=verdicts,
        anonymous=not any(v.present for v in verdicts), notes=notes, trajectory=trajectory,
        individual_risk=weighted, generalisation=generalisation)


def _timestamp_resolutions(table: Table, notes: list[str]) -> dict[str, str]:
    """Resolution of each column whose sampled values are mostly ISO-8601; the values that are not are noted."""
    found = {}
    for column in table.names:
        resolution = timestamp_resolution(table.columns[column][:PRECISION_SAMPLE])
        if resolution is None:
            continue
        found[column] = resolution.unit
        if resolution.unparsed:
            sampled = resolution.parsed + resolution.unparsed
            notes.append(f"'{column}': {resolution.unparsed} of {sampled} sampled values are not ISO-8601 timestamps; "
                         f"its resolution ({resolution.unit}) is judged on the {resolution.parsed} that are")
    return found


def _coarsening_advice(trajectory: TrajectoryReport) -> str:
    """Which tested coarsening brings unicity down to the threshold, or that none does."""
    if trajectory.suggestion:
        level = next(lv for lv in trajectory.levels if lv.label == trajectory.suggestion)
        return f"coarsen to {level.label} ({level.worst_share:.0%} singled out)"
    best = min(trajectory.levels, key=lambda lv: lv.worst_share)
    return f"no tested coarsening suffices (best {best.label}: {best.worst_share:.0%}); publish counts, not traces"


def _trajectory_reasons(trajectory: TrajectoryReport | None) -> tuple[list[str], list[str]]:
    """(singling out, linkability) reasons when the traces at the data's own resolution are unique."""
    if trajectory is None or not trajectory.unique or trajectory.as_given is None:
        return [], []
    level = trajectory.as_given
    measured = [u for u in level.unicity if u.share is not None]
    shares = ", ".join(f"{u.share:.0%} of {u.evaluated}" for u in measured)
    column = trajectory.pseudonym
    singling = (f"p random points of a trace in '{column}' single out {shares} pseudonyms (p = 1..{len(measured)}; "
                f"{level.label}; de Montjoye 2013: 95 % at p = 4)")
    linking = (f"'{column}' links events into traces (AP Enschede 2021: counting turns into following); "
               f"{_coarsening_advice(trajectory)}")
    return [singling], [linking]


def _verdicts(direct, hashed, reversal, anonymity, uniqueness, timestamps, coordinates,
              k_threshold: int, t_threshold: float, trajectory: TrajectoryReport | None = None,
              weighted: IndividualRisk | None = None,
              generalisation: GeneralisationSuggestion | None = None) -> list[RiskVerdict]:
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
            singling.extend(generalisation_hint(generalisation))
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
    singling.extend(weighted_reasons(weighted))
    trace_singling, trace_linking = _trajectory_reasons(trajectory)
    singling.extend(trace_singling)
    linking.extend(trace_linking)
    for column, unit in timestamps.items():
        if unit in ("second", "subsecond", "minute"):
            linking.append(f"'{column}' has {unit} resolution: events join across datasets")
    for column, metres in coordinates.items():
        if metres < 1000:
            linking.append(f"'{column}' resolves to ~{metres:g} m: home/work places identify")
    return [RiskVerdict("singling out", bool(singling), singling),
            RiskVerdict("linkability", bool(linking), linking),
            RiskVerdict("inference", bool(inferring), inferring)]
