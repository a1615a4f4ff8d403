"""Scores detection against a labelled corpus: per-entity precision, recall and F1, and false alarms.

The corpus format and the matching rule are described in tests/privacy/corpus/README.md; the
benchmark (benchmarks/privacy_corpus.py) and the floor test share this code.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from muniscan.privacy.detection.detector import PersonalDataDetector, is_personal_category

CLAIMED = (
    "PERSON",
    "STREET_ADDRESS",
    "CUSTOMER_ID",
    "SE_PERSONNUMMER",
    "PHONE_NUMBER",
    "EMAIL_ADDRESS",
    "IMEI",
    "SE_LICENCE_PLATE",
    "MAC_ADDRESS",
    "GPS_COORDINATE",
    "IP_ADDRESS",
    "IBAN_CODE",
)


@dataclass
class Score:
    """Counts over a corpus; rates are derived."""

    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    clean: int = 0  # messages without personal data
    alarms: int = 0  # of those, messages with a personal-data finding
    errors: list[str] = field(default_factory=list)

    def entity(self, entity: str) -> tuple[float, float, float]:
        return prf(self.tp[entity], self.fp[entity], self.fn[entity])

    def micro(self) -> tuple[float, float, float]:
        return prf(*(sum(counts[e] for e in CLAIMED) for counts in (self.tp, self.fp, self.fn)))

    @property
    def false_alarm_rate(self) -> float:
        return self.alarms / self.clean if self.clean else 0.0


def load_corpus(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def normalise(text: str) -> str:
    return " ".join(text.lower().split()).strip(" .,;:()")


def personal_findings(detector: PersonalDataDetector, row: dict[str, Any]) -> list[tuple[str, str]]:
    """(category, matched text) of every personal-data finding in one message, as scan_message sees it."""
    return [
        (category, text)
        for category, _path, text in detector.findings_with_text(row["payload"], row["topic"])
        if is_personal_category(category)
    ]


def match(
    labels: list[tuple[str, str]], predicted: list[tuple[str, str]]
) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[tuple[str, str]]]:
    """(hits, misses, extra): one-to-one by entity and containment of the normalised texts."""
    wanted = sorted({(e, normalise(t)) for e, t in labels})
    found = sorted({(e, normalise(t)) for e, t in predicted})
    # A name found whole by one recognizer and in part by another is one finding, as a report shows it.
    found = [(e, t) for e, t in found if not any(e == e2 and t != t2 and t in t2 for e2, t2 in found)]
    used: set[int] = set()
    hits, misses = [], []
    for entity, text in wanted:
        for index, (p_entity, p_text) in enumerate(found):
            if index in used or p_entity != entity or len(p_text) < 2:
                continue
            if p_text in text or text in p_text:
                used.add(index)
                hits.append((entity, text))
                break
        else:
            misses.append((entity, text))
    extra = [found[i] for i in range(len(found)) if i not in used]
    return hits, misses, extra


def evaluate(rows: list[dict[str, Any]], detector: PersonalDataDetector) -> Score:
    score = Score()
    for row in rows:
        labels = [(label["entity"], label["text"]) for label in row["labels"]]
        predicted = personal_findings(detector, row)
        if not labels:
            score.clean += 1
            if predicted:
                score.alarms += 1
                score.errors.append(f"ALARM {row['id']}: {predicted}")
        hits, misses, extra = match(labels, [p for p in predicted if p[0] in CLAIMED])
        for entity, _ in hits:
            score.tp[entity] += 1
        for entity, text in misses:
            score.fn[entity] += 1
            score.errors.append(f"MISS  {entity:16s} {text!r:45s} {row['id']}")
        for entity, text in extra:
            score.fp[entity] += 1
            score.errors.append(f"FALSE {entity:16s} {text!r:45s} {row['id']}")
    return score


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
