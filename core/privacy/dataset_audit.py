"""Dataset audit: is an "anonymised" open-data file anonymous under the WP216 three-risk test?"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from time import perf_counter
from typing import Any

import numpy as np

from muniscan.privacy.anonymity import AnonymityResult, check_missing_policy, evaluate, quasi_identifier_classes
from muniscan.privacy.dataset_io import Table, read_table
from muniscan.privacy.detection import PersonalDataDetector
from muniscan.privacy.generalisation import (
    Hierarchy,
    HierarchyError,
    apply_levels,
    hierarchy_files,
    kept_as_is,
    optimal_generalisation,
    read_hierarchy,
)
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
from muniscan.privacy.sdc import individual_risk, wildcard_frequencies
from muniscan.privacy.trajectory import (
    NOT_PSEUDONYM_CATEGORIES,
    TraceColumns,
    TrajectoryReport,
    find_trace_columns,
    parse_numbers,
    table_unicity,
)

SAMPLE_VALUES = 200
PRECISION_SAMPLE = 5000  # values per column read for timestamp and coordinate precision
DIRECT_IDENTIFIER_SHARE = 0.5
DEFAULT_K = 5
DEFAULT_T = 0.2
DEFAULT_RISK_THRESHOLD = 0.1  # sdcMicro's floor for "higher risk than the main part of the data"
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


class WeightError(ValueError):
    """A sampling weight that is missing, not a number or negative; the message names the column and row."""


@dataclass(frozen=True)
class IndividualRisk:
    """sdcMicro's individual risk (indivRisk, approx) and expected re-identifications (measure_risk risk_ER)."""

    weight_column: str
    key_variables: list[str]
    records: int
    highest: float
    mean: float
    threshold: float
    records_above_threshold: int
    records_above_main_part: int
    expected_reidentifications: float


@dataclass(frozen=True)
class ColumnGeneralisation:
    """One quasi-identifier's level in a suggested generalisation, with a value and what it becomes."""

    column: str
    hierarchy: str
    level: int
    top_level: int
    loss: float | None  # ARX's normalised loss, 0 = as given, 1 = suppressed; None when k is out of reach
    example: str | None  # None for identifier columns: their values are never shown
    becomes: str | None


@dataclass(frozen=True)
class GeneralisationSuggestion:
    """The least-lossy full-domain generalisation (ARX's Loss with RANK, no suppression) that would make the
    quasi-identifiers k-anonymous; only suggested, no data is written. Columns without a hierarchy are `kept`
    as they are. When k is out of `reachable`, the columns stand at the top of their hierarchies and k,
    classes and risks are what even that leaves."""

    k_target: int
    reachable: bool
    columns: list[ColumnGeneralisation]
    kept: list[str]
    k: int
    classes: int
    prosecutor_average: float
    prosecutor_highest: float
    ties: list[dict[str, int]]
    seconds: float


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


def suggest_quasi_identifiers(table: Table, excluded: set[str]) -> list[str]:
    """Named demographic/location columns, else low-cardinality columns (2..n/2 values)."""
    candidates = [c for c in table.names if c not in excluded]
    named = [c for c in candidates if set(key_words(c)) & QUASI_IDENTIFIER_HINTS]
    if named:
        return named
    n = table.n_rows
    return [c for c in candidates
            if 2 <= len(set(table.columns[c])) <= max(2, n // 2)]


def _suggested_with_hierarchies(table: Table, excluded: set[str], hierarchies: Mapping[str, Hierarchy]) -> list[str]:
    """Suggested quasi-identifiers plus the columns the DPO wrote a hierarchy for, in table order."""
    chosen = set(suggest_quasi_identifiers(table, excluded)) | (set(hierarchies) - excluded)
    return [c for c in table.names if c in chosen]


def _hash_kinds(column: str) -> tuple[str, ...]:
    hinted = {_HASH_KIND_HINTS[w] for w in key_words(column) if w in _HASH_KIND_HINTS}
    return tuple(sorted(hinted)) or ("mac", "personnummer", "mobile", "plate")


def _row_name(path: Path, index: int) -> str:
    """A data row as the user finds it: the CSV line (after the header) or the record number."""
    if path.suffix.lower() in (".json", ".jsonl", ".ndjson", ".parquet", ".pq"):
        return f"record {index + 1}"
    return f"row {index + 1} (line {index + 2})"


def sampling_weights(table: Table, column: str, path: Path) -> np.ndarray:
    """The weight column as floats; the first missing, non-numeric or negative weight is an error."""
    if column not in table.columns:
        raise WeightError(f"no weight column {column!r}; the columns are {', '.join(table.names)}")
    values = table.columns[column]
    weights = parse_numbers(values)
    bad = np.flatnonzero(~np.isfinite(weights) | (weights < 0))
    if len(bad):
        first = int(bad[0])
        problem = ("is missing" if values[first] is None else "is negative" if weights[first] < 0
                   else "is not a finite number")
        raise WeightError(f"weight column {column!r}, {_row_name(path, first)}: the weight {problem} "
                          f"({len(bad)} bad weights in all)")
    return weights


def weighted_risk(table: Table, key_variables: list[str], weights: np.ndarray, weight_column: str,
                  threshold: float = DEFAULT_RISK_THRESHOLD) -> IndividualRisk:
    """Per-record risk under sdcMicro's super-population model, missing key values as wildcards."""
    fk, population_fk = wildcard_frequencies([table.columns[c] for c in key_variables], weights)
    risk = individual_risk(fk, population_fk)
    median = float(np.median(risk))
    mad = 1.4826 * float(np.median(np.abs(risk - median)))  # R's mad()
    return IndividualRisk(
        weight_column=weight_column, key_variables=key_variables, records=len(risk),
        highest=_significant(risk.max()), mean=_significant(risk.mean()), threshold=threshold,
        records_above_threshold=int((risk > threshold).sum()),
        records_above_main_part=int(((risk > median + 2 * mad) & (risk > threshold)).sum()),
        expected_reidentifications=_significant(risk.sum()))


def _significant(value: float, digits: int = 6) -> float:
    """Rounded to significant digits, so tiny risks of large surveys do not print as 0."""
    return float(f"{float(value):.{digits}g}")


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


def load_hierarchies(source: Path | str | Mapping[str, Hierarchy], table: Table) -> tuple[dict[str, Hierarchy],
                                                                                        list[str]]:
    """Hierarchies of the table's columns from a folder (or a mapping), and notes on those for absent columns,
    which are not read: a stray file must not stop the audit, but the DPO should see it was not used."""
    if isinstance(source, Mapping):
        given: Mapping[str, Hierarchy | Path] = source
    else:
        given = hierarchy_files(source)
        if not given:
            raise HierarchyError(f"{source}: no hierarchy files (<column>.csv or <name>_hierarchy_<column>.csv)")
    notes = [f"hierarchy {_source(h)} not used: the table has no column {column!r}"
             for column, h in given.items() if column not in table.columns]
    hierarchies = {column: h if isinstance(h, Hierarchy) else read_hierarchy(h)
                   for column, h in given.items() if column in table.columns}
    return hierarchies, notes


def _source(hierarchy: Hierarchy | Path) -> str:
    return hierarchy.source if isinstance(hierarchy, Hierarchy) else str(hierarchy)


def _example(values: Sequence[str | None], hierarchy: Hierarchy, level: int, k: int) -> tuple[str | None, str | None]:
    """A value shared by at least k records (so it singles no one out), else the hierarchy's first value,
    and its label at `level`."""
    counts = Counter(value for value in values if value is not None)
    value, count = counts.most_common(1)[0] if counts else (None, 0)
    if count < k:
        value = next((row[0] for i, row in enumerate(hierarchy.rows) if i != hierarchy.missing_row), None)
    if value is None:
        return None, None
    return value, apply_levels({"v": [value]}, {"v": hierarchy}, {"v": level})["v"][0]


def suggest_generalisation(columns: Mapping[str, Sequence[str | None]], hierarchies: Mapping[str, Hierarchy],
                           k: int, identifying: Collection[str] = ()) -> GeneralisationSuggestion:
    """The least-lossy generalisation of the quasi-identifiers `columns` (the records as audited) to k-anonymity;
    columns without a hierarchy are kept as they are, and no example is shown for `identifying` columns."""
    chosen = {name: hierarchies.get(name) or kept_as_is(values, name) for name, values in columns.items()}
    started = perf_counter()
    found = optimal_generalisation(columns, chosen, k)
    seconds = round(perf_counter() - started, 3)
    with_hierarchy = [name for name in columns if name in hierarchies]
    if found is None:
        levels = {name: hierarchy.height - 1 for name, hierarchy in chosen.items()}
        sizes = quasi_identifier_classes(apply_levels(columns, chosen, levels), list(columns))[0].sizes
        loss: dict[str, float] = {}
        ties: list[dict[str, int]] = []
    else:
        levels, sizes, loss = found.levels, found.class_sizes, found.loss
        ties = [{name: tie[name] for name in with_hierarchy} for tie in found.ties]
    steps = []
    for name in with_hierarchy:
        hierarchy = hierarchies[name]
        example, becomes = (None, None) if name in identifying else _example(columns[name], hierarchy, levels[name], k)
        steps.append(ColumnGeneralisation(name, hierarchy.source, levels[name], hierarchy.height - 1, loss.get(name),
                                          example, becomes))
    risk = reidentification_risk(sizes)
    return GeneralisationSuggestion(
        k_target=k, reachable=found is not None, columns=steps,
        kept=[name for name in columns if name not in hierarchies], k=int(sizes.min()), classes=len(sizes),
        prosecutor_average=risk.prosecutor_average, prosecutor_highest=risk.prosecutor_highest, ties=ties,
        seconds=seconds)


def _generalisation(table: Table, qis: list[str], kept: np.ndarray, hierarchies: dict[str, Hierarchy],
                    anonymity: AnonymityResult, k: int, identifying: set[str],
                    notes: list[str]) -> GeneralisationSuggestion | None:
    """Check that the hierarchies cover the audited records, then suggest a generalisation if k is not met."""
    rows = None if kept.all() else np.flatnonzero(kept)
    columns = {c: table.columns[c] if rows is None else [table.columns[c][i] for i in rows] for c in qis}
    for column in qis:
        if column in hierarchies:
            hierarchies[column].leaf_rows(columns[column], column)
    unused = [c for c in hierarchies if c not in qis]
    if unused:
        notes.append(f"hierarchies not used, the columns are no quasi-identifiers: {', '.join(unused)}")
    if not any(c in hierarchies for c in qis):
        notes.append("no quasi-identifier has a hierarchy: no generalisation suggested")
        return None
    if not anonymity.records_evaluated:
        notes.append("no records to generalise")
        return None
    if anonymity.k >= k:
        notes.append(f"the quasi-identifiers are {k}-anonymous as given: no generalisation suggested")
        return None
    return suggest_generalisation(columns, hierarchies, k, identifying)


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
    qis = list(quasi_identifiers) if quasi_identifiers else _suggested_with_hierarchies(table, excluded, hierarchy_map)
    notes.insert(0, f"missing values: policy '{missing}'")

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
            generalisation = _generalisation(table, qis, kept, hierarchy_map, anonymity, k_threshold, identifying,
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


def _weighted_reasons(weighted: IndividualRisk | None) -> list[str]:
    """A singling-out reason when some record's individual risk exceeds the threshold."""
    if weighted is None or not weighted.records_above_threshold:
        return []
    return [f"individual risk with sampling weights '{weighted.weight_column}' (sdcMicro): records above "
            f"{weighted.threshold:g}: {weighted.records_above_threshold} of {weighted.records} (highest "
            f"{weighted.highest:.3f}); expected re-identifications {weighted.expected_reidentifications:.2f}"]


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _generalisation_hint(suggestion: GeneralisationSuggestion | None) -> list[str]:
    """The singling-out hint: which hierarchy levels would reach k, or that none does."""
    if suggestion is None:
        return []
    kept = (f"; without a hierarchy and kept as they are: {', '.join(suggestion.kept)}" if suggestion.kept else "")
    if not suggestion.reachable:
        return [f"no generalisation with the given hierarchies makes the table {suggestion.k_target}-anonymous: "
                f"at the top of every hierarchy the smallest class has {suggestion.k} record(s){kept}"]
    steps = [f"{c.column} to level {c.level}" for c in suggestion.columns if c.level]
    return [f"generalising {_listed(steps)} would make the table {suggestion.k_target}-anonymous (smallest class "
            f"{suggestion.k}, {suggestion.classes} classes){kept}"]


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
            singling.extend(_generalisation_hint(generalisation))
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
    singling.extend(_weighted_reasons(weighted))
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
