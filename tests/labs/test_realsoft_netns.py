"""Given the realsoft lab in network namespaces, a scan from inside the lab scores as on loopback, and
ARP gives every device's vendor MAC."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from muniscan.labs import runner

from .conftest import muniscan, requires_root
from .test_realsoft_lab import MISSING

CLI = str(Path(sys.executable).parent / "muniscan")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.root,
    requires_root,
    pytest.mark.skipif(bool(MISSING), reason=f"not installed: {', '.join(MISSING)}"),
]


def test_realsoft_in_namespaces(tmp_path: Path) -> None:
    runner.up("realsoft", netns_mode=True, timeout=120)
    try:
        db = str(tmp_path / "ns.sqlite")
        scan = subprocess.run(
            [CLI, "--db", db, "lab", "exec", "realsoft", "--", CLI, "--db", db, "scan", "--lab", "realsoft"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert scan.returncode == 0, scan.stderr
        code, out = muniscan("--db", db, "lab", "verify", "realsoft", "--json")
        assert code == 0, out
        score = json.loads(out)
        assert score["mode"] == "netns" and score["precision"] == 1.0 and score["recall"] >= 0.95, score["misses"]
        assert score["inventory"]["by_fact"]["mac"]["matched"] == score["inventory"]["by_fact"]["mac"]["expected"]
    finally:
        runner.down("realsoft")
