"""Given a --checks-dir that is missing, writable by every user or holds a broken module, when scanning, then the
scan is refused with exit 2 naming the folder or file, and not one packet reaches the device."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from muniscan.checks.registry import forget_loaded_checks
from muniscan.cli.main import app
from tests.agents.agent_lab import TELNET, TelnetLike, serving

DEVICE = "127.107.3.1"


@pytest.fixture
def device() -> Iterator[TelnetLike]:
    with serving(DEVICE) as server:
        yield server
    forget_loaded_checks()


def _broken(folder: Path) -> Path:
    (folder / "city_rule.py").write_text("raise RuntimeError('half-written module')\n")
    return folder


def _world_writable(folder: Path) -> Path:
    folder.chmod(0o777)
    return folder


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda folder: folder / "missing", "no such folder of checks"),
        (_world_writable, "writable by every user, yet it would run with the scanner's rights"),
        (_broken, "city_rule.py: failed to import: RuntimeError: half-written module"),
    ],
    ids=["missing", "world-writable", "broken-module"],
)
def test_a_bad_checks_folder_is_refused_before_any_packet(
    tmp_path: Path, device: TelnetLike, make, expected: str
) -> None:
    folder = tmp_path / "checks"
    folder.mkdir()
    folder.chmod(0o755)
    chosen = make(folder)
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        f"name: p\nscope:\n  include: [{DEVICE}]\n  never_touch_ports: ['2024']\n"
        f"discovery:\n  tcp_ports: [{TELNET}]\n  udp_ports: []\n"
    )
    result = CliRunner().invoke(
        app,
        ["--db", f"sqlite:///{tmp_path / 's.sqlite'}", "scan", "--policy", str(policy), "--checks-dir", str(chosen)],
    )
    assert result.exit_code == 2, result.output
    assert expected in result.output and "Traceback" not in result.output
    assert device.connections == 0
