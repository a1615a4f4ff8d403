"""Dataset audit: is an "anonymised" open-data file anonymous under the WP216 three-risk test?"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from time import monotonic
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
    load_hierarchies,
    suggestion_for_audit,
)
from muniscan.privacy.datasets.persons import PersonUnits, fold_persons
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
    find_pseudonym_column,
    find_trace_columns,
    table_unicity,
)
from muniscan.privacy.datasets.verdicts import RiskVerdict, risk_verdicts
from muniscan.privacy.datasets.weighted_risk import (
    DEFAULT_RISK_THRESHOLD,
    IndividualRisk,
    sampling_weights,
    weighted_risk,
)
from muniscan.privacy.detection.detector import PersonalDataDetector
from muniscan.privacy.detection.identifiers import mac_hex, mac_is_randomised
from muniscan.privacy.detection.masking import mask_value
from muniscan.privacy.detection.payloads import key_words

SAMPLE_VALUES = 200
DETECTION_BUDGET_SECONDS = 10.0  # for reading the sampled values of all columns
PRECISION_SAMPLE = 5000  # values per column read for timestamp and coordinate precision
DIRECT_IDENTIFIER_SHARE = 0.5
DEFAULT_K = 5
DEFAULT_T = 0.2
QUASI_IDENTIFIER_HINTS = {
    "age",
    "ålder",
    "sex",
    "gender",
    "kön",
    "zip",
    "postcode",
    "postnummer",
    "birth",
    "born",
    "födelseår",
    "födelsedatum",
    "kommun",
    "municipality",
    "district",
    "stadsdel",
    "race",
    "ethnic",
    "marital",
    "education",
    "occupation",
    "yrke",
    "country",
    "nationality",
    "relationship",
}
# time-window columns of a visit (squashed key words: first_seen -> firstseen)
TIME_WINDOW_HINTS = {
    "firstseen",
    "lastseen",
    "arrival",
    "arrived",
    "departure",
    "departed",
    "checkin",
    "checkout",
    "entered",
    "exited",
    "entrytime",
    "exittime",
    "visitstart",
    "visitend",
}
# measurements of the device or its surroundings: never quasi-identifiers by themselves
MEASUREMENT_HINTS = {
    "rssi",
    "snr",
    "signal",
    "strength",
    "dbm",
    "reading",
    "readings",
    "measurement",
    "measured",
    "temperature",
    "temp",
    "humidity",
    "co2",
    "battery",
    "voltage",
    "lux",
    "noise",
    "pressure",
    "pm25",
    "pm10",
    "kwh",
    "value",
}
_HASH_KIND_HINTS = {
    "mac": "mac",
    "bssid": "mac",
    "device": "mac",
    "pnr": "personnummer",
    "personnummer": "personnummer",
    "ssn": "personnummer",
    "phone": "mobile",
    "mobile": "mobile",
    "msisdn": "mobile",
    "plate": "plate",
    "regnr": "plate",
}


@dataclass(frozen=True)
class ColumnFinding:
    """What a column holds, judged from a sample of its values and its name."""

    column: str
    category: str
    share_of_sample: float
    masked_examples: list[str]


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
    unit: str = "records"  # what k, uniques and risks count: "records", or "persons" when rows are events
    persons: PersonUnits | None = None
    randomised_macs: dict[str, tuple[int, int]] = field(default_factory=dict)  # column -> (randomised, distinct)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def classify_columns(
    table: Table, detector: PersonalDataDetector, budget_seconds: float = DETECTION_BUDGET_SECONDS
) -> list[ColumnFinding]:
    """Columns where at least half the sampled values are one kind of personal data; values still unread when
    the budget runs out are counted in `detector.limits`, not read."""
    findings = []
    deadline = monotonic() + budget_seconds
    for name, values in table.columns.items():
        sample = list(dict.fromkeys(v for v in values if v is not None))[:SAMPLE_VALUES]
        if not sample:
            continue
        context = key_words(name)
        counts: dict[str, int] = {}
        examples: dict[str, list[str]] = {}
        for value in sample:
            if monotonic() > deadline:
                detector.limits.fields_skipped += 1
                continue
            kinds = {r.entity_type: value[r.start : r.end] for r in detector.analyze_field(value, context)}
            for kind, matched in kinds.items():
                counts[kind] = counts.get(kind, 0) + 1
                examples.setdefault(kind, []).append(mask_value(kind, matched))
        if counts:
            kind, count = max(counts.items(), key=lambda item: item[1])
            if count / len(sample) >= DIRECT_IDENTIFIER_SHARE:
                findings.append(ColumnFinding(name, kind, count / len(sample), examples[kind][:3]))
    return findings


def suggest_quasi_identifiers(table: Table, excluded: set[str], about_people: bool = True) -> list[str]:
    """Named demographic/location columns and, for records about people, the time window of a visit
    (first_seen/last_seen: when someone arrived and left is known to whoever saw them); else, when the
    records look like records about people (they hold identifiers, pseudonyms or sensitive columns),
    low-cardinality columns (2..n/2 values) that are no measurement. Sensor readings (signal strength,
    temperature) describe the device or the air, not the person, and are never picked; a file of them is
    not judged by k-anonymity: every reading is unique, and no one is singled out by it."""
    candidates = [c for c in table.names if c not in excluded]
    named = [c for c in candidates if set(key_words(c)) & QUASI_IDENTIFIER_HINTS]
    windows = [c for c in candidates if about_people and set(key_words(c)) & TIME_WINDOW_HINTS]
    if named or not about_people:
        return [c for c in candidates if c in named or c in windows]
    n = table.n_rows
    return [
        c
        for c in candidates
        if c in windows
        or (not set(key_words(c)) & MEASUREMENT_HINTS and 2 <= len(set(table.columns[c])) <= max(2, n // 2))
    ]


def _suggested_with_hierarchies(
    table: Table, excluded: set[str], hierarchies: Mapping[str, Hierarchy], about_people: bool
) -> list[str]:
    """Suggested quasi-identifiers plus the columns the DPO wrote a hierarchy for, in table order."""
    chosen = set(suggest_quasi_identifiers(table, excluded, about_people)) | (set(hierarchies) - excluded)
    return [c for c in table.names if c in chosen]


def _hash_kinds(column: str) -> tuple[str, ...]:
    hinted = {_HASH_KIND_HINTS[w] for w in key_words(column) if w in _HASH_KIND_HINTS}
    return tuple(sorted(hinted)) or ("mac", "personnummer", "mobile", "plate")


def _trace_columns(
    table: Table,
    findings: list[ColumnFinding],
    pseudonym: str | None,
    time: str | None,
    place: list[str] | None,
    exclude: set[str],
) -> TraceColumns | None:
    """Named trace columns checked, the others detected among identifier, time and place columns."""
    for name in [pseudonym, time, *(place or [])]:
        if name and name not in table.columns:
            raise ValueError(f"no column {name!r}; the columns are {', '.join(table.names)}")
    if place is not None and len(place) not in (1, 2):
        raise ValueError("a place is one zone/sensor column or a latitude,longitude pair")
    ranked = sorted(findings, key=lambda f: f.category != "HASHED_IDENTIFIER")
    identifiers = [f.column for f in ranked if f.category not in NOT_PSEUDONYM_CATEGORIES]
    return find_trace_columns(table, identifiers, pseudonym, time, place, exclude)


def _person_column(
    table: Table,
    findings: list[ColumnFinding],
    pseudonym: str | None,
    trace_columns: TraceColumns | None,
    exclude: set[str],
) -> str | None:
    """The column naming whose event each row is: given, the traces' pseudonym, or a recurring identifier."""
    if pseudonym or trace_columns:
        return pseudonym or trace_columns.pseudonym  # type: ignore[union-attr]
    ranked = sorted(findings, key=lambda f: f.category != "HASHED_IDENTIFIER")
    identifiers = [f.column for f in ranked if f.category not in NOT_PSEUDONYM_CATEGORIES]
    return find_pseudonym_column(table, identifiers, exclude)


def audit_dataset(
    path: Path | str,
    quasi_identifiers: list[str] | None = None,
    sensitive: list[str] | None = None,
    population: float | None = None,
    budget_seconds: float = 20.0,
    missing: str = "category",
    k_threshold: int = DEFAULT_K,
    t_threshold: float = DEFAULT_T,
    detector: PersonalDataDetector | None = None,
    *,
    pseudonym: str | None = None,
    time: str | None = None,
    place: list[str] | None = None,
    unicity_threshold: float = 0.0,
    weight: str | None = None,
    risk_threshold: float = DEFAULT_RISK_THRESHOLD,
    hierarchies: Path | str | Mapping[str, Hierarchy] | None = None,
) -> DatasetAuditReport:
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
    detector.reset_limits()
    findings = classify_columns(table, detector)
    unread = detector.reset_limits()
    hashed = [f.column for f in findings if f.category == "HASHED_IDENTIFIER"]
    direct = [f for f in findings if f.category != "HASHED_IDENTIFIER"]
    sensitive = list(sensitive or [])
    trace_columns = _trace_columns(table, findings, pseudonym, time, place, {weight} if weight else set())
    suggested = quasi_identifiers is None
    person_column = _person_column(
        table, findings, pseudonym, trace_columns, set(sensitive) | ({weight} if weight else set())
    )
    identifying = {f.column for f in findings} | ({person_column} if person_column else set())
    excluded = identifying | set(sensitive) | ({weight} if weight else set())
    about_people = bool(findings or person_column or sensitive or weight)
    qis = (
        list(quasi_identifiers)
        if quasi_identifiers
        else _suggested_with_hierarchies(table, excluded, hierarchy_map, about_people)
    )
    notes.insert(0, f"missing values: policy '{missing}'")
    if unread.any:
        notes.append(f"personal-data detection did not read every value in full: {unread.describe()}")
    if not qis and not about_people:
        notes.append(
            "no identifiers, pseudonyms or columns naming a person's attributes were found: the records "
            "do not look like records about people; if they are, name the quasi-identifiers with --qi"
        )

    anonymity = risk = uniqueness = weighted = generalisation = persons = None
    if qis:
        if person_column and person_column not in qis:
            persons, units = fold_persons(table.columns, person_column, [*qis, *sensitive])
            notes.insert(1, persons.describe())
        else:
            units = table.columns
        anonymity = evaluate(units, qis, sensitive, missing=missing)
        classes, kept = quasi_identifier_classes(units, qis, missing)
        class_weights = None
        if weights is not None and persons is None:
            class_weights = np.bincount(classes.of_record, weights=weights[kept])
        risk = reidentification_risk(classes.sizes, class_weights)
        if population:
            uniqueness = population_uniqueness(classes.sizes, population)
        if anonymity.records_evaluated < anonymity.records:
            notes.append(
                f"{anonymity.records - anonymity.records_evaluated} {'persons' if persons else 'records'} "
                "with missing quasi-identifiers were excluded (policy 'drop')"
            )
        if weights is not None and weight is not None:
            weighted = weighted_risk(table, qis, weights, weight, risk_threshold)
            notes.append(
                "individual risk as sdcMicro computes it: missing key values match any value"
                + ("; per row, as sampling weights belong to rows" if persons else "")
            )
        if hierarchy_map:
            if persons:  # hierarchies generalise the values as written, row by row
                notes.append("the generalisation is searched on rows: hierarchies cover single values")
                row_anonymity = evaluate(table.columns, qis, [], missing=missing)
                kept = quasi_identifier_classes(table.columns, qis, missing)[1]
            generalisation = suggestion_for_audit(
                table,
                qis,
                kept,
                hierarchy_map,
                row_anonymity if persons else anonymity,
                k_threshold,
                identifying,
                notes,
            )

    if weight and not qis:
        notes.append(f"weight column '{weight}' given, but no quasi-identifiers: no individual risk")

    reversal: dict[str, ReversalReport] = {}
    per_column_budget = budget_seconds / max(1, len(hashed))
    for column in hashed:
        digests = sorted({v.lower() for v in table.columns[column] if v})[:10_000]
        lengths = {len(d) for d in digests}
        if len(lengths) == 1 and per_column_budget > 0:
            report, _recovered = reverse_hashes(digests, kinds=_hash_kinds(column), budget_seconds=per_column_budget)
            reversal[column] = report

    timestamps = _timestamp_resolutions(table, notes)
    randomised = {f.column: _randomised_macs(table.columns[f.column]) for f in direct if f.category == "MAC_ADDRESS"}
    coordinates = {
        c: m
        for c in table.names
        if set(key_words(c)) & (LATITUDE_NAMES | LONGITUDE_NAMES)
        and (m := coordinate_precision_metres(table.columns[c][:PRECISION_SAMPLE])) is not None
    }
    trajectory = table_unicity(table, trace_columns, threshold=unicity_threshold) if trace_columns else None
    verdicts = risk_verdicts(
        direct,
        hashed,
        reversal,
        anonymity,
        uniqueness,
        timestamps,
        coordinates,
        k_threshold,
        t_threshold,
        trajectory=trajectory,
        weighted=weighted,
        generalisation=generalisation,
        persons=persons,
        randomised_macs=randomised,
    )
    return DatasetAuditReport(
        path=str(path),
        records=table.n_rows,
        columns=table.names,
        missing_policy=missing,
        direct_identifiers=direct,
        hashed_columns=hashed,
        quasi_identifiers=qis,
        quasi_identifiers_suggested=suggested,
        sensitive=sensitive,
        anonymity=anonymity,
        reidentification=risk,
        population=uniqueness,
        hash_reversal=reversal,
        timestamp_resolution=timestamps,
        coordinate_precision_m=coordinates,
        verdicts=verdicts,
        anonymous=not any(v.present for v in verdicts),
        notes=notes,
        trajectory=trajectory,
        individual_risk=weighted,
        generalisation=generalisation,
        unit="persons" if persons else "records",
        persons=persons,
        randomised_macs=randomised,
    )


def _randomised_macs(values: list[str | None]) -> tuple[int, int]:
    """(locally administered, distinct) among the column's MAC addresses."""
    distinct = {h for v in values if v and (h := mac_hex(v))}
    return sum(1 for h in distinct if mac_is_randomised(h)), len(distinct)


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
            notes.append(
                f"'{column}': {resolution.unparsed} of {sampled} sampled values are not ISO-8601 timestamps; "
                f"its resolution ({resolution.unit}) is judged on the {resolution.parsed} that are"
            )
    return found
