"""The check registry: every check's ID is its module name and its metadata is valid."""

from pathlib import Path

import pytest

from muniscan.checks.registry import CheckLoadError, load_checks

GOOD = """
from muniscan.checks.model import CheckMeta, Level, not_applicable
from muniscan.policies.schema import Severity

METADATA = CheckMeta(
    id="{name}", title="An operator's own check", severity=Severity.LOW, level=Level.SERVICE,
    requires=("banner",), rationale="because", remediation="fix it", enisa=("GP-TM-08",),
)


def evaluate(service, policy):
    return not_applicable()
"""


def test_builtin_checks_load_with_unique_ids_equal_to_module_names() -> None:
    checks = load_checks()
    ids = [c.id for c in checks]
    assert len(ids) == len(set(ids))
    for check in checks:
        assert Path(check.source).stem == check.id
        assert check.meta.problems() == []


def test_an_operator_folder_adds_a_check(tmp_path: Path) -> None:
    (tmp_path / "city_custom_check.py").write_text(GOOD.format(name="city_custom_check"))
    ids = {c.id for c in load_checks([tmp_path])}
    assert "city_custom_check" in ids
    assert "telnet_management_plaintext" in ids


@pytest.mark.parametrize(
    ("file_name", "body", "message"),
    [
        ("named_wrong.py", GOOD.format(name="other_name"), "METADATA.id is 'other_name'"),
        ("no_meta.py", "def evaluate(s, p):\n    return None\n", "defines METADATA"),
        ("broken.py", "import nothing_here_at_all\n", "failed to import"),
        ("bad_ref.py", GOOD.format(name="bad_ref").replace("GP-TM-08", "TM8"), "ENISA ID 'TM8' is malformed"),
        ("telnet_management_plaintext.py", GOOD.format(name="telnet_management_plaintext"), "also defined"),
    ],
)
def test_bad_check_modules_are_refused_with_the_file_named(
    tmp_path: Path, file_name: str, body: str, message: str
) -> None:
    (tmp_path / file_name).write_text(body)
    with pytest.raises(CheckLoadError, match=message) as caught:
        load_checks([tmp_path])
    assert file_name in str(caught.value)
