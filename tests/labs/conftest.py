"""Helpers for lab tests: the CLI as a function, and namespace tests that need root."""

import os
import shutil

import pytest
from typer.testing import CliRunner

from muniscan.cli.main import app

requires_root = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("ip") is None,
    reason="namespace labs need root and iproute2 (`ip netns`); CI runs as root",
)


def muniscan(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout
