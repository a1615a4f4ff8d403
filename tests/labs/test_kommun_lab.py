"""Given the kommun lab, when it is brought up, then about thirty devices answer and down leaves nothing."""

import json

import pytest

from muniscan.labs import runner
from muniscan.labs.topology import load_topology

from .conftest import muniscan

pytestmark = pytest.mark.slow


def test_kommun_up_status_down_leaves_no_process() -> None:
    code, out = muniscan("lab", "up", "kommun")
    assert code == 0, out
    state = runner.read_state("kommun")
    assert state is not None and state.live_pids
    pids = list(state.pids)
    try:
        code, out = muniscan("lab", "status", "--json")
        assert code == 0, out
        rows = [r for r in json.loads(out) if r["lab"] == "kommun"]
        assert len(rows) == len(load_topology("kommun").devices) >= 12
        silent = [r["device"] for r in rows if sorted(r["answering"]) != sorted(r["expected"])]
        assert silent == []
    finally:
        code, out = muniscan("lab", "down", "kommun")
    assert code == 0 and "stopped" in out
    assert not any(runner._is_our_process(pid) for pid in pids)
    assert muniscan("lab", "down", "kommun") == (0, "lab kommun was not running\n")
