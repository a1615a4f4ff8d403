"""Framework files: every requirement listed once, every check named exists, and METADATA agrees."""

import re
from pathlib import Path

import pytest

from muniscan.checks.framework_mapping import mismatches
from muniscan.checks.registry import load_checks
from muniscan.policies.frameworks import Evidence, FrameworkError, load_framework, load_frameworks

CHECKS = load_checks()  # the live registry: other checks appear here as they land
FRAMEWORKS = load_frameworks(known_checks=[c.id for c in CHECKS])


def test_all_83_enisa_measures_are_listed_in_order() -> None:
    ids = [r.id for r in FRAMEWORKS["enisa"].requirements]
    expected = (
        [f"GP-PS-{n:02d}" for n in range(1, 13)]
        + [f"GP-OP-{n:02d}" for n in range(1, 15)]
        + [f"GP-TM-{n:02d}" for n in range(1, 58)]
    )
    assert ids == expected


def test_every_etsi_provision_of_v2_1_1_is_listed() -> None:
    ids = [r.id for r in FRAMEWORKS["etsi"].requirements]
    assert len(ids) == 68 and ids[0] == "4-1" and ids[-1] == "6-5"
    per_clause = {clause: sum(1 for i in ids if i.startswith(f"{clause}-")) for clause in ("5.1", "5.3", "5.6", "6")}
    assert per_clause == {"5.1": 5, "5.3": 16, "5.6": 9, "6": 5}


def test_the_ten_owasp_items() -> None:
    assert [r.id for r in FRAMEWORKS["owasp"].requirements] == [f"I{n}" for n in range(1, 11)]


@pytest.mark.parametrize("short", ["enisa", "etsi", "owasp"])
def test_ids_are_unique_and_unverifiable_requirements_say_so(short: str) -> None:
    framework = FRAMEWORKS[short]
    ids = [r.id for r in framework.requirements]
    assert len(ids) == len(set(ids))
    kinds = {r.evidence for r in framework.requirements}
    assert Evidence.SCAN in kinds and (Evidence.MANUAL in kinds or Evidence.PROCUREMENT in kinds)


@pytest.mark.parametrize("short", ["enisa", "etsi", "owasp"])
def test_file_mappings_agree_with_check_metadata(short: str) -> None:
    """METADATA is the source of truth; `python -m muniscan.checks.framework_mapping` re-syncs the files."""
    assert mismatches(FRAMEWORKS[short], CHECKS) == []


def test_every_check_maps_to_a_requirement_in_each_framework_it_cites() -> None:
    for check in CHECKS:
        for short in ("enisa", "etsi", "owasp"):
            cited = getattr(check.meta, short)
            listed = {r.id for r in FRAMEWORKS[short].requirements if check.id in r.checks}
            assert set(cited) == listed, f"{check.id} in {short}"
        assert check.meta.enisa, f"{check.id} cites no ENISA measure"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "framework.yaml"
    path.write_text(text, encoding="utf-8")
    return path


HEAD = "id: city\nname: City IoT rules\nversion: '1'\nrequirements:\n"


@pytest.mark.parametrize(
    ("body", "line", "field", "message"),
    [
        (
            "  - id: C-1\n    title: First rule\n    evidence: scan\n"
            "  - id: C-1\n    title: Again\n    evidence: scan\n",
            8,
            "requirements.1.id",
            "already used on line 5",
        ),
        ("  - id: C-1\n    title: First rule\n    evidence: guess\n", 7, "requirements.0.evidence", "Input should be"),
        (
            "  - id: C-1\n    title: First rule\n    evidence: scan\n    colour: red\n",
            8,
            "requirements.0.colour",
            "unknown field",
        ),
        (
            "  - id: C-1\n    title: First rule\n    evidence: scan\n"
            "    checks: [telnet_management_plaintext, no_such]\n",
            8,
            "requirements.0.checks.1",
            "no check 'no_such'",
        ),
    ],
)
def test_errors_name_file_line_and_field(tmp_path: Path, body: str, line: int, field: str, message: str) -> None:
    path = write(tmp_path, HEAD + body)
    with pytest.raises(FrameworkError) as caught:
        load_framework(path, known_checks=[c.id for c in CHECKS])
    text = str(caught.value)
    assert re.search(rf"{re.escape(str(path))}:{line}: field '{re.escape(field)}'", text), text
    assert message in text
