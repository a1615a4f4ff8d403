"""Frozen fact records to and from JSON, so stored observations come back typed."""

import dataclasses
import types
import typing
from typing import Any, TypeVar

T = TypeVar("T")


def to_json(facts: Any) -> Any:
    """A dataclass (or nesting of them) as plain JSON data."""
    if dataclasses.is_dataclass(facts) and not isinstance(facts, type):
        return {f.name: to_json(getattr(facts, f.name)) for f in dataclasses.fields(facts)}
    if isinstance(facts, list | tuple):
        return [to_json(item) for item in facts]
    if isinstance(facts, dict):
        return {str(k): to_json(v) for k, v in facts.items()}
    return facts


def _convert(kind: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        return _convert(options[0], value) if len(options) == 1 else value
    if origin is tuple:
        args = typing.get_args(kind)
        item = args[0] if args else Any
        return tuple(_convert(item, v) for v in value)
    if origin is list:
        (item,) = typing.get_args(kind) or (Any,)
        return [_convert(item, v) for v in value]
    if dataclasses.is_dataclass(kind) and isinstance(value, dict):
        return from_json(kind, value)  # type: ignore[arg-type]
    return value


def from_json(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild a fact dataclass; unknown keys (from newer versions) are ignored."""
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: _convert(hints[k], v) for k, v in data.items() if k in known})
