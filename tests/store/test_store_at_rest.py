"""Given a store muniscan creates, then only its owner can read it; given two commands on a fresh store at once,
then both succeed and the schema is built once."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from muniscan.store import Store, resolve_url


def test_a_new_sqlite_store_is_private_to_its_owner(tmp_path: Path) -> None:
    path = tmp_path / "new-folder" / "muniscan.sqlite"
    old = os.umask(0o022)  # the common default, which would give 644 and 755
    try:
        store = Store(resolve_url(str(path)))
    finally:
        os.umask(old)
    with store.session():
        pass
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    for companion in path.parent.glob("muniscan.sqlite-*"):
        assert companion.stat().st_mode & 0o077 == 0, companion
    store.dispose()


def test_an_existing_store_readable_by_others_is_warned_about(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "shared.sqlite"
    Store(f"sqlite:///{path}").dispose()
    path.chmod(0o644)
    with caplog.at_level(logging.WARNING):
        Store(f"sqlite:///{path}").dispose()
    assert f"{path} is readable or writable by other users (mode 644)" in caplog.text
    assert path.stat().st_mode & 0o777 == 0o644  # warned, not changed behind the owner's back


def test_two_commands_on_a_fresh_store_do_not_race_on_creating_tables(tmp_path: Path) -> None:
    path = tmp_path / "fresh.sqlite"
    command = [sys.executable, "-c", "from muniscan.cli.main import run; run()", "--db", str(path), "db", "upgrade"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(4)]
    outputs = [(run.wait(120), run.stdout.read() if run.stdout else "") for run in runs]
    assert [code for code, _ in outputs] == [0, 0, 0, 0], outputs
    store = Store(f"sqlite:///{path}", migrate=False)
    assert store.current_revisions() == store.head_revisions()
    store.dispose()
