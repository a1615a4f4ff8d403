"""A procurement lab's known answer: the verdict per requirement that `muniscan procure test` must reach
on the lab's device under test, given the lab's sample declaration.

It lives beside the topology as `<lab>.known-verdicts.yaml` and names the requirements and declaration
files relative to itself, so the lab, the vendor's sample declaration and the answer travel together.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from muniscan.labs.topology import load_topology, topology_path
from muniscan.procurement.judge import overall
from muniscan.procurement.model import Declaration, RequirementsFile, Verdict, load_declaration, load_requirements
from muniscan.yamlfile import YamlFileError, line_of, read_yaml, validate

SUFFIX = ".known-verdicts.yaml"


class KnownVerdictsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    lab: str = Field(description="the lab: `<lab>.yaml` beside this file, else a built-in lab")
    device: str = Field(description="address of the device under test in that lab")
    requirements: str = Field(description="requirements file, relative to this file")
    declaration: str = Field(description="the vendor's sample declaration, relative to this file")
    overall: Verdict
    known_verdicts: dict[str, Verdict] = Field(min_length=1, description="requirement ID -> verdict")


@dataclass(frozen=True)
class KnownAnswer:
    source: Path
    lab: str
    topology: Path
    device: str
    requirements_path: Path
    declaration_path: Path
    requirements: RequirementsFile
    declaration: Declaration
    overall: str
    verdicts: dict[str, str]


def known_answer_path(lab: str) -> Path:
    """`<lab>.known-verdicts.yaml` beside the lab's topology (a built-in name or a topology file)."""
    topology = topology_path(lab)
    return topology.with_name(topology.name.removesuffix(topology.suffix) + SUFFIX)


def _problems(written: KnownVerdictsFile, source: Path) -> tuple[list[tuple[tuple[Any, ...], str]], dict[str, Any]]:
    """Cross-file rules, each with the location of the offending field; and what the files hold."""
    problems: list[tuple[tuple[Any, ...], str]] = []
    found: dict[str, Any] = {}
    beside = source.parent / f"{written.lab}.yaml"
    try:
        found["topology"] = beside if beside.is_file() else topology_path(written.lab)
        topology = load_topology(str(found["topology"]))
    except YamlFileError as exc:
        problems.append((("lab",), f"the lab cannot be used: {exc}"))
    else:
        if written.device not in topology.addresses:
            problems.append((("device",), f"{written.device} is not a device of lab '{topology.name}'"))
    for field, loader in (("requirements", load_requirements), ("declaration", load_declaration)):
        path = (source.parent / getattr(written, field)).resolve()
        found[f"{field}_path"] = path
        try:
            found[field] = loader(path)
        except YamlFileError as exc:
            problems.append(((field,), f"{path} cannot be used: {exc}"))
    requirements: RequirementsFile | None = found.get("requirements")
    if requirements is None:
        return problems, found
    ids = [r.id for r in requirements.requirements]
    missing = [i for i in ids if i not in written.known_verdicts]
    if missing:
        problems.append((("known_verdicts",), f"no known verdict for {', '.join(missing)}"))
    for extra in (i for i in written.known_verdicts if i not in ids):
        problems.append((("known_verdicts", extra), f"no requirement '{extra}' in {requirements.name}"))
    if not missing:
        levels = [{"level": r.level, "verdict": written.known_verdicts[r.id].value} for r in requirements.requirements]
        implied = overall(levels)
        if implied != written.overall.value:
            problems.append((("overall",), f"the known verdicts make the device '{implied}', not '{written.overall}'"))
    return problems, found


def load_known_answer(path: str | Path) -> KnownAnswer:
    """Read and validate a known answer and the files it names; every problem names file, line and field."""
    source = Path(path)
    data, node = read_yaml(source)
    written = validate(KnownVerdictsFile, data, node, source)
    problems, found = _problems(written, source)
    if problems:
        raise YamlFileError(
            "\n".join(f"{source}:{line_of(node, loc)}: field '{'.'.join(map(str, loc))}': {m}" for loc, m in problems)
        )
    return KnownAnswer(
        source=source,
        lab=written.lab,
        topology=found["topology"],
        device=written.device,
        requirements_path=found["requirements_path"],
        declaration_path=found["declaration_path"],
        requirements=found["requirements"],
        declaration=found["declaration"],
        overall=written.overall.value,
        verdicts={k: v.value for k, v in written.known_verdicts.items()},
    )
