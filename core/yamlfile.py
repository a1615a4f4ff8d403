"""YAML files validated against a pydantic model, with errors naming file, line and field."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class YamlFileError(ValueError):
    """A file that cannot be used; every line of the message says where and why."""


# Policies, topologies and rule files are a few kilobytes; a bound keeps a hostile or mistaken file (a 50 MB
# policy took 4 GB of memory) from exhausting the machine, and one on nodes keeps aliases from multiplying.
MAX_YAML_BYTES = 2 << 20
MAX_YAML_NODES = 200_000


@dataclass(frozen=True)
class YamlLimits:
    """How large a file of one kind may be: bytes on disk, and values once aliases are followed."""

    max_bytes: int = MAX_YAML_BYTES
    max_nodes: int = MAX_YAML_NODES


# A lab topology lists every device: a generated city of 10,000 devices is about 2.7 MB and 450,000 values,
# so topologies get room for a city ten times that, still bounded.
TOPOLOGY_LIMITS = YamlLimits(max_bytes=64 << 20, max_nodes=10_000_000)


def read_yaml(path: Path, limits: YamlLimits = YamlLimits()) -> tuple[Any, yaml.Node | None]:
    """The data and its node tree (for line numbers). Refused with file and line: files over the limit's bytes,
    text that is not UTF-8, invalid or too deeply nested YAML, a key repeated in one mapping (the last one would
    silently win), and more than the limit's nodes once aliases are followed."""
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise YamlFileError(f"{path}: {size} bytes; a YAML file may be at most {limits.max_bytes} bytes")
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlFileError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlFileError(f"{path}:{line}: not UTF-8 text (byte {exc.start})") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        check_nodes(path, node, limits.max_nodes)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlFileError(f"{where}: not valid YAML: {problem}") from None
    except RecursionError:
        raise YamlFileError(f"{path}: nested too deeply to be a configuration file") from None
    return data, node


def check_nodes(path: Path, root: yaml.Node | None, max_nodes: int) -> None:
    """Refuse a key repeated within one mapping, and more than `max_nodes` nodes (aliases counted each time)."""
    stack, visited = [root] if root is not None else [], 0
    while stack:
        node = stack.pop()
        visited += 1
        if visited > max_nodes:
            raise YamlFileError(f"{path}: more than {max_nodes} values once aliases are expanded")
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key, value in node.value:
                name = str(key.value) if isinstance(key, yaml.ScalarNode) else None
                line = key.start_mark.line + 1
                if name is not None and name in first:
                    raise YamlFileError(
                        f"{path}:{line}: key '{name}' repeated (first at line {first[name]}); "
                        "the second would silently replace the first"
                    )
                if name is not None:
                    first[name] = line
                stack += [key, value]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value


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
