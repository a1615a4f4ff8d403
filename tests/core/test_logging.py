"""One logging set-up: muniscan's records at --log-level, into --log-file, with third-party housekeeping quiet."""

import logging
from pathlib import Path

from typer.testing import CliRunner

from muniscan.cli.main import app

runner = CliRunner()


def test_log_file_gets_muniscan_records_and_no_third_party_info(tmp_path: Path) -> None:
    log = tmp_path / "logs" / "muniscan.log"
    store = str(tmp_path / "new.sqlite")  # a new store: Alembic migrates it, and logs that at INFO
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "name: p\nscope:\n  include: [127.106.3.1]\n  never_touch_ports: ['2024']\n"
        "discovery:\n  tcp_ports: [2025]\n  udp_ports: []\n"
    )
    base = ["--db", store, "--log-level", "info", "--log-file", str(log)]
    added = runner.invoke(app, [*base, "schedule", "add", "j", "--every", "3600", "--policy", str(policy)])
    assert added.exit_code == 0, added.output
    result = runner.invoke(app, [*base, "schedule", "run-job", "j"])
    assert result.exit_code == 0, result.output
    text = log.read_text()
    assert "INFO muniscan.schedule.runner: job j triggered by a system timer" in text
    assert "job j ended completed" in text
    assert "alembic" not in text and "presidio" not in text
    assert logging.getLogger("alembic").getEffectiveLevel() == logging.WARNING


def test_without_log_level_only_warnings_show(tmp_path: Path) -> None:
    log = tmp_path / "muniscan.log"
    assert runner.invoke(app, ["--db", str(tmp_path / "s.sqlite"), "--log-file", str(log), "db", "path"]).exit_code == 0
    assert logging.getLogger("muniscan").getEffectiveLevel() == logging.WARNING
    assert "INFO" not in log.read_text()


def test_an_unknown_log_level_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--db", str(tmp_path / "s.sqlite"), "--log-level", "chatty", "db", "path"])
    assert result.exit_code == 2
