"""Given policy files a clumsy operator or an attacker could write, when loaded, then a one-line error names the
file and line, `policy validate` exits 2, and nothing is silently dropped (a repeated `scope:` once dropped 2024
from the never-touch ports)."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from muniscan.cli.main import app
from muniscan.policies import PolicyError, load_policy
from muniscan.yamlfile import MAX_YAML_BYTES, MAX_YAML_NODES

REPEATED_SCOPE = (
    "name: twice\n"
    "scope:\n  include: [127.107.0.0/24]\n  never_touch_ports: ['2024']\n"
    "probes:\n  mqtt_subscribe_seconds: 1\n"
    "scope:\n  include: [127.107.0.0/24]\n"
)
LAUGHS = (
    "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(6))
    + "name: laughs\n"
)


def _write(tmp_path: Path, content: str | bytes, name: str = "policy.yaml") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (REPEATED_SCOPE, ":7: key 'scope' repeated (first at line 2)"),
        ("name: nested\nscope:\n  include: [127.107.0.1]\n  include: [10.0.0.0/8]\n", ":4: key 'include' repeated"),
        (b"name: caf\xe9\n", ":1: not UTF-8 text (byte 9)"),
        ("name: deep\nx: " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
        (LAUGHS, f"more than {MAX_YAML_NODES} values once aliases are expanded"),
        ("name: big\ndescription: '" + "x" * MAX_YAML_BYTES + "'\n", f"a YAML file may be at most {MAX_YAML_BYTES}"),
    ],
    ids=["repeated-scope", "repeated-nested-key", "not-utf8", "deeply-nested", "alias-bomb", "too-large"],
)
def test_a_hostile_policy_file_is_refused_with_file_and_line(
    tmp_path: Path, content: str | bytes, expected: str
) -> None:
    path = _write(tmp_path, content)
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    assert str(path) in str(raised.value) and expected in str(raised.value)
    result = CliRunner().invoke(app, ["policy", "validate", str(path)])
    assert result.exit_code == 2 and expected in result.output, result.output


def test_circular_extends_is_refused_naming_the_cycle(tmp_path: Path) -> None:
    first = _write(tmp_path, "name: a\nextends: b.yaml\n", "a.yaml")
    _write(tmp_path, "name: b\nextends: a.yaml\n", "b.yaml")
    with pytest.raises(PolicyError, match=r"field 'extends': circular: .*a\.yaml -> .*b\.yaml -> .*a\.yaml"):
        load_policy(first)
    result = CliRunner().invoke(app, ["policy", "validate", str(first)])
    assert result.exit_code == 2 and "circular" in result.output
