"""Fingerprint rules are data: a regex over one fact, what a match says, and examples that test it."""

import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

ATTRIBUTE_NAMES = ("vendor", "model", "firmware", "device_class")


class RuleError(ValueError):
    """A rule file that cannot be loaded; the message names the file and the rule."""


class Example(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    expect: dict[str, str] = Field(default_factory=dict)


class Rule(BaseModel):
    """One regex over one fact; named groups and `set` give the device's attributes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    fact: str = Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
    match: str
    set: dict[str, str] = Field(default_factory=dict)
    confidence: float = Field(gt=0, le=1)
    examples: list[Example] = Field(min_length=1)
    non_examples: list[str] = Field(default_factory=list)

    @field_validator("match")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            groups = set(re.compile(value).groupindex)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
        unknown = groups - set(ATTRIBUTE_NAMES)
        if unknown:
            raise ValueError(f"named groups must be among {', '.join(ATTRIBUTE_NAMES)}: {', '.join(sorted(unknown))}")
        return value

    @field_validator("set")
    @classmethod
    def _attributes(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = set(value) - set(ATTRIBUTE_NAMES)
        if unknown:
            raise ValueError(f"set only {', '.join(ATTRIBUTE_NAMES)}: {', '.join(sorted(unknown))}")
        return value

    @model_validator(mode="after")
    def _says_something(self) -> "Rule":
        if not self.set and not re.compile(self.match).groupindex:
            raise ValueError("a rule must set an attribute or capture one with a named group")
        return self

    @property
    def pattern(self) -> re.Pattern[str]:
        return _compiled(self.match)

    def apply(self, text: str) -> dict[str, str] | None:
        """The attributes this text gives, or None when the rule does not match it."""
        found = self.pattern.search(text)
        if found is None:
            return None
        values = dict(self.set)
        values.update({k: v.strip() for k, v in found.groupdict().items() if v and v.strip()})
        return values


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _rules_in(path: Path, data: Any) -> list[Rule]:
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleError(f"{path}: expected a mapping with a 'rules' list")
    rules = []
    for index, item in enumerate(data["rules"]):
        try:
            rules.append(Rule.model_validate(item))
        except ValidationError as exc:
            name = item.get("id", f"#{index + 1}") if isinstance(item, dict) else f"#{index + 1}"
            raise RuleError(f"{path}: rule {name}: {exc}") from None
    return rules


def rule_files(extra: tuple[Path, ...] = ()) -> list[Path]:
    shipped = Path(str(resources.files("muniscan.scanner.fingerprint") / "rules"))
    folders = (shipped, *extra)
    return sorted(p for folder in folders for p in folder.glob("*.yaml"))


@cache
def load_rules(extra: tuple[Path, ...] = ()) -> tuple[Rule, ...]:
    """The shipped rules plus any operator folders; rule IDs are unique across all files."""
    rules: list[Rule] = []
    for path in rule_files(extra):
        rules.extend(_rules_in(path, yaml.safe_load(path.read_text(encoding="utf-8"))))
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RuleError(f"fingerprint rule id {rule.id} is used twice")
        seen.add(rule.id)
    return tuple(rules)
