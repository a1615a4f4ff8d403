"""Sampling weights in survey-style microdata: sdcMicro's individual risk and expected re-identifications."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from muniscan.privacy.datasets.sdc import individual_risk, wildcard_frequencies
from muniscan.privacy.datasets.table import Table, parse_numbers

DEFAULT_RISK_THRESHOLD = 0.1  # sdcMicro's floor for "higher risk than the main part of the data"


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
        problem = (
            "is missing" if values[first] is None else "is negative" if weights[first] < 0 else "is not a finite number"
        )
        raise WeightError(
            f"weight column {column!r}, {_row_name(path, first)}: the weight {problem} ({len(bad)} bad weights in all)"
        )
    return weights


def weighted_risk(
    table: Table,
    key_variables: list[str],
    weights: np.ndarray,
    weight_column: str,
    threshold: float = DEFAULT_RISK_THRESHOLD,
) -> IndividualRisk:
    """Per-record risk under sdcMicro's super-population model, missing key values as wildcards."""
    fk, population_fk = wildcard_frequencies([table.columns[c] for c in key_variables], weights)
    risk = individual_risk(fk, population_fk)
    median = float(np.median(risk))
    mad = 1.4826 * float(np.median(np.abs(risk - median)))  # R's mad()
    return IndividualRisk(
        weight_column=weight_column,
        key_variables=key_variables,
        records=len(risk),
        highest=_significant(risk.max()),
        mean=_significant(risk.mean()),
        threshold=threshold,
        records_above_threshold=int((risk > threshold).sum()),
        records_above_main_part=int(((risk > median + 2 * mad) & (risk > threshold)).sum()),
        expected_reidentifications=_significant(risk.sum()),
    )


def _significant(value: float, digits: int = 6) -> float:
    """Rounded to significant digits, so tiny risks of large surveys do not print as 0."""
    return float(f"{float(value):.{digits}g}")


def weighted_reasons(weighted: IndividualRisk | None) -> list[str]:
    """A singling-out reason when some record's individual risk exceeds the threshold."""
    if weighted is None or not weighted.records_above_threshold:
        return []
    return [
        f"individual risk with sampling weights '{weighted.weight_column}' (sdcMicro): records above "
        f"{weighted.threshold:g}: {weighted.records_above_threshold} of {weighted.records} (highest "
        f"{weighted.highest:.3f}); expected re-identifications {weighted.expected_reidentifications:.2f}"
    ]
