"""Operator-defined recognizers from YAML files, validated with file:line:field error messages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex
import yaml
from presidio_analyzer import Pattern, PatternRecognizer

from muniscan.privacy.detection.recognizers import LANGUAGE
from muniscan.yamlfile import YamlFileError, read_yaml

EXAMPLE = """\
recognizers:
  - name: MeterIdRecognizer
    entity: METER_ID
    patterns:
      - {name: meter, regex: '\\bMTR-\\d{8}\\b', score: 0.6}
    context: [meter, mätare]
    deny_list: [Storgatan 1]
    deny_list_score: 0.8
"""
_ALLOWED_KEYS = {"name", "entity", "patterns", "context", "deny_list", "deny_list_score", "case_sensitive"}
_ALLOWED_PATTERN_KEYS = {"name", "regex", "score"}


class RecognizerConfigError(ValueError):
    """A custom recognizer file is malformed; the message names file, line and field."""


@dataclass(frozen=True)
class _Located:
    value: Any
    line: int


def _to_plain(node: yaml.Node) -> Any:
    """Convert a YAML node tree into Python values that remember their 1-based line."""
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        return _Located({k.value: _to_plain(v) for k, v in node.value}, line)
    if isinstance(node, yaml.SequenceNode):
        return _Located([_to_plain(item) for item in node.value], line)
    return _Located(yaml.safe_load(yaml.serialize(node)), line)


def _fail(path: Path, item: _Located, field: str, message: str) -> RecognizerConfigError:
    return RecognizerConfigError(f"{path}:{item.line}: {field}: {message}")


def _string(path: Path, item: _Located, field: str) -> str:
    if not isinstance(item.value, str) or not item.value.strip():
        raise _fail(path, item, field, "must be a non-empty string")
    return item.value


def _score(path: Path, item: _Located, field: str) -> float:
    if isinstance(item.value, bool) or not isinstance(item.value, int | float) or not (0 < item.value <= 1):
        raise _fail(path, item, field, "must be a number in (0, 1]")
    return float(item.value)


def _string_list(path: Path, item: _Located, field: str) -> list[str]:
    if not isinstance(item.value, list):
        raise _fail(path, item, field, "must be a list of strings")
    return [_string(path, entry, f"{field}[{i}]") for i, entry in enumerate(item.value)]


def _build(path: Path, item: _Located, index: int) -> PatternRecognizer:
    where = f"recognizers[{index}]"
    if not isinstance(item.value, dict):
        raise _fail(path, item, where, "must be a mapping")
    spec: dict[str, _Located] = item.value
    unknown = set(spec) - _ALLOWED_KEYS
    if unknown:
        raise _fail(path, item, where, f"unknown field(s) {sorted(unknown)}")
    for required in ("name", "entity"):
        if required not in spec:
            raise _fail(path, item, f"{where}.{required}", "is required")
    name = _string(path, spec["name"], f"{where}.name")
    entity = _string(path, spec["entity"], f"{where}.entity")
    if not regex.fullmatch(r"[A-Z][A-Z0-9_]*", entity):
        raise _fail(path, spec["entity"], f"{where}.entity", "must be UPPER_SNAKE_CASE")
    case_sensitive = spec.get("case_sensitive", _Located(False, item.line)).value is True
    flags = regex.DOTALL | regex.MULTILINE | (0 if case_sensitive else regex.IGNORECASE)
    patterns = []
    raw_patterns = spec.get("patterns", _Located([], item.line))
    if not isinstance(raw_patterns.value, list):
        raise _fail(path, raw_patterns, f"{where}.patterns", "must be a list")
    for p_index, raw in enumerate(raw_patterns.value):
        field = f"{where}.patterns[{p_index}]"
        if not isinstance(raw.value, dict):
            raise _fail(path, raw, field, "must be a mapping with name, regex, score")
        extra = set(raw.value) - _ALLOWED_PATTERN_KEYS
        missing = _ALLOWED_PATTERN_KEYS - set(raw.value)
        if extra or missing:
            raise _fail(
                path, raw, field, f"needs exactly name, regex, score (extra {sorted(extra)}, missing {sorted(missing)})"
            )
        expression = _string(path, raw.value["regex"], f"{field}.regex")
        try:
            regex.compile(expression, flags)
        except regex.error as error:
            raise _fail(path, raw.value["regex"], f"{field}.regex", f"invalid regex: {error}") from error
        patterns.append(
            Pattern(
                _string(path, raw.value["name"], f"{field}.name"),
                expression,
                _score(path, raw.value["score"], f"{field}.score"),
            )
        )
    deny_list = _string_list(path, spec["deny_list"], f"{where}.deny_list") if "deny_list" in spec else []
    if not patterns and not deny_list:
        raise _fail(path, item, where, "needs patterns or deny_list")
    context = _string_list(path, spec["context"], f"{where}.context") if "context" in spec else []
    deny_score = _score(path, spec["deny_list_score"], f"{where}.deny_list_score") if "deny_list_score" in spec else 1.0
    return PatternRecognizer(
        supported_entity=entity,
        name=name,
        supported_language=LANGUAGE,
        patterns=patterns or None,
        deny_list=deny_list or None,
        context=[c.lower() for c in context] or None,
        deny_list_score=deny_score,
        global_regex_flags=flags,
    )


def load_recognizer_file(path: Path) -> list[PatternRecognizer]:
    """Parse one YAML file of recognizers; raise RecognizerConfigError on the first problem."""
    try:
        _, root = read_yaml(path)  # size, encoding, nesting, repeated keys and aliases checked as for policies
    except YamlFileError as error:
        raise RecognizerConfigError(str(error)) from None
    if root is None:
        return []
    document = _to_plain(root)
    if not isinstance(document.value, dict) or "recognizers" not in document.value:
        raise _fail(path, document, "recognizers", "top-level key is required")
    entries = document.value["recognizers"]
    if not isinstance(entries.value, list):
        raise _fail(path, entries, "recognizers", "must be a list")
    built = [_build(path, entry, i) for i, entry in enumerate(entries.value)]
    names = [r.name for r in built]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise _fail(path, entries, "recognizers", f"duplicate names {sorted(duplicates)}")
    return built


def load_recognizer_directory(directory: Path) -> list[PatternRecognizer]:
    """All `*.yaml`/`*.yml` files in a directory, in name order."""
    files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    return [recognizer for file in files for recognizer in load_recognizer_file(file)]
