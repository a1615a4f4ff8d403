"""Given inputs and environments that used to end in a traceback with exit 1 (the code for findings), then a
one-line error and exit 2, or "internal error", a log file with the traceback and exit 3; and a report that
cannot be written whole leaves the previous one as it was."""

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from muniscan.cli import policy as policy_cli
from muniscan.cli.main import app

runner = CliRunner()


def _policy(tmp_path: Path) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text("name: p\nscope:\n  include: [127.107.2.0/24]\n  never_touch_ports: ['2024']\n")
    return path


def test_localhost_as_a_target_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["--db", f"sqlite:///{tmp_path / 's.sqlite'}", "scan", "--policy", str(_policy(tmp_path)), "localhost"]
    )
    assert result.exit_code == 2, result.output
    assert "target 'localhost' is not an address" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("where", ["directory", "/dev/full"])
def test_a_report_that_cannot_be_written_is_a_one_line_error(tmp_path: Path, where: str) -> None:
    output = str(tmp_path) if where == "directory" else where
    result = runner.invoke(app, ["--db", f"sqlite:///{tmp_path / 's.sqlite'}", "report", "security", "-o", output])
    assert result.exit_code == 2, result.output
    expected = "is a directory" if where == "directory" else "No space left on device"
    assert f"error: {output}: " in result.output and expected in result.output


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB tmpfs (root only) that the test fills."""
    mount = tmp_path / "small"
    mount.mkdir()
    if (
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True).returncode
        != 0
    ):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_leaves_the_previous_report_as_it_was(tmp_path: Path, full_disk: Path) -> None:
    report = full_disk / "security.html"
    db = f"sqlite:///{tmp_path / 's.sqlite'}"
    assert runner.invoke(app, ["--db", db, "report", "security", "-f", "html", "-o", str(report)]).exit_code == 0
    previous = report.read_bytes()
    assert len(previous) > 1000
    with (full_disk / "filler").open("wb", buffering=0) as filler:  # fill the disk to the last block
        try:
            while True:
                filler.write(b"\0" * 4096)
        except OSError:
            pass
    result = runner.invoke(app, ["--db", db, "report", "security", "-f", "html", "-o", str(report)])
    assert result.exit_code == 2 and "No space left on device" in result.output, result.output
    assert report.read_bytes() == previous
    assert sorted(p.name for p in full_disk.iterdir()) == ["filler", "security.html"]  # no temporary file left


def test_an_unexpected_error_is_an_internal_error_with_a_log(
    tmp_path: Path, muniscan_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_path: object) -> None:
        raise RuntimeError("a bug in the loader")

    monkeypatch.setattr(policy_cli, "load_policy", broken)
    result = runner.invoke(app, ["policy", "validate", str(_policy(tmp_path))])
    assert result.exit_code == 3
    assert "internal error: RuntimeError: a bug in the loader" in result.output
    log = Path(result.output.split("the traceback is in ")[1].split(";")[0])
    assert log.parent == muniscan_home / "logs" and "Traceback" in log.read_text()
    assert "raise RuntimeError" in log.read_text()


def test_a_connection_error_mid_command_reads_as_the_store_not_as_a_bug() -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.exc import OperationalError

    from muniscan.cli.errors import describe

    engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:9/none")
    with pytest.raises(OperationalError) as raised:
        engine.connect()
    message = describe(raised.value)
    assert message is not None and message.startswith("the store cannot be reached or dropped the connection: ")
    assert "\n" not in message
    assert describe(RuntimeError("bug")) is None
