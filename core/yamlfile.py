"""YAML files validated against a pydantic model, with errors naming file, line and field."""

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class YamlFileError(ValueError):
    """A file that cannot be used; every line of the message says where and why."""


def read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """The data and its node tree (for line numbers)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise YamlFileError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlFileError(f"{where}: not valid YAML: {problem}") from None
    return data, node


def line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """Follow a pydantic error location through the node tree to the nearest line."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == part), None)
            if pair is None:
                break
            line = pair[0].start_mark.line + 1
            node = pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def validate(model: type[M], data: Any, node: yaml.Node | None, source: Path) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            field = ".".join(str(p) for p in loc) or "(top level)"
            message = "unknown field" if error["type"] == "extra_forbidden" else error["msg"]
            message = message.removeprefix("Value error, ")
            lines.append(f"{source}:{line_of(node, loc)}: field '{field}': {message}")
        raise YamlFileError("\n".join(lines)) from None


def load_model(model: type[M], path: str | Path) -> M:
    source = Path(path)
    data, node = read_yaml(source)
    return validate(model, data, node, source)
