"""Given policy files, when loaded, then defaults apply and every error names file, line and field."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from muniscan.cli.main import app
from muniscan.policies import PolicyError, load_policy, load_profile

runner = CliRunner()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_profile_has_empty_scope_and_default_never_touch_ports() -> None:
    policy = load_profile()
    assert policy.scope.include == []
    assert {"515", "9100-9107", "9999"} <= set(policy.scope.never_touch_ports)
    assert [p.value for p in policy.probes.allow] == ["passive", "safe"]


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        ("name: x\nscope:\n  include: [10.0.0.0/33]\n", 3, "scope.include", "not an address, CIDR or range"),
        ("name: x\nscope:\n  include: []\n  colour: red\n", 4, "scope.colour", "unknown field"),
        ("name: x\nrate:\n  per_host_concurrency: 0\n", 3, "rate.per_host_concurrency", "greater than or equal to 1"),
        ("name: x\nrequirements:\n  min_tls_version: '1.5'\n", 3, "requirements.min_tls_version", "one of"),
        ("name: x\nscope:\n  never_touch_ports: [70000]\n", 3, "scope.never_touch_ports", "1-65535"),
        ("description: no name\n", 1, "name", "Field required"),
    ],
)
def test_errors_name_file_line_and_field(tmp_path: Path, text: str, line: int, field: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert f"{path}:{line}: field '{field}'" in str(caught.value)
    assert message in str(caught.value)


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "name: x\nscope: [\n")
    with pytest.raises(PolicyError, match=rf"{path}:\d+: not valid YAML"):
        load_policy(path)


def test_extends_merges_over_the_profile(tmp_path: Path) -> None:
    path = write(tmp_path, "name: lab\nextends: enisa-baseline\nscope:\n  include: [127.77.0.0/24]\n")
    policy = load_policy(path)
    assert policy.scope.include == ["127.77.0.0/24"]
    assert "9999" in policy.scope.never_touch_ports  # inherited
    assert policy.requirements.min_tls_version == "1.2"


def test_cli_validate_exits_2_with_the_location(tmp_path: Path) -> None:
    path = write(tmp_path, "name: x\nscope:\n  include: [10.0.0.0/33]\n")
    result = runner.invoke(app, ["policy", "validate", str(path)])
    assert result.exit_code == 2
    assert f"{path}:3: field 'scope.include'" in result.output


def test_cli_validate_accepts_a_good_policy(tmp_path: Path) -> None:
    path = write(tmp_path, "name: good\nscope:\n  include: [127.77.0.10]\n")
    result = runner.invoke(app, ["policy", "validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "valid policy 'good'" in result.output


def test_policy_show_takes_a_profile_name_and_both_commands_print_json(tmp_path: Path) -> None:
    import json as json_module

    from typer.testing import CliRunner

    from muniscan.cli.main import app

    runner = CliRunner()
    shown = runner.invoke(app, ["policy", "show", "strict"])
    assert shown.exit_code == 0 and "name: strict" in shown.stdout
    as_json = json_module.loads(runner.invoke(app, ["policy", "show", "strict", "--json"]).stdout)
    assert as_json["policy"]["name"] == "strict" and as_json["hash"]
    city = tmp_path / "city.yaml"
    city.write_text("name: city\nscope:\n  include: [127.106.40.0/24]\n  never_touch_ports: ['2024']\n")
    valid = json_module.loads(runner.invoke(app, ["policy", "validate", str(city), "--json"]).stdout)
    assert (valid["valid"], valid["name"]) == (True, "city")
    assert runner.invoke(app, ["policy", "show", "no-such-profile"]).exit_code == 2
