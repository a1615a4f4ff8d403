"""Given devices that misbehave on purpose, when the hostile lab is scanned, then the scan finishes in
bounded time, says why each failed attempt failed, and prints nothing a terminal would obey."""

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from muniscan.labs import runner
from muniscan.labs.topology import Topology
from muniscan.store import Store
from muniscan.store.models import Observation

from .conftest import muniscan

pytestmark = pytest.mark.slow
# Anything a terminal could act on: C0 controls other than tab and newline, DEL, C1 controls.
TERMINAL_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
SCAN_BOUND_SECONDS = 60


@pytest.fixture(scope="module")
def hostile_lab() -> Iterator[Topology]:
    topology, _ = runner.up("hostile")
    yield topology
    runner.down("hostile")


def test_scan_survives_hostile_devices(hostile_lab: Topology, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'hostile.sqlite'}"
    started = time.monotonic()
    code, out = muniscan("--db", db, "scan", "--lab", "hostile", "--json")
    elapsed = time.monotonic() - started
    assert code == 0, out
    assert elapsed < SCAN_BOUND_SECONDS
    assert json.loads(out)["status"] == "completed"

    store = Store(db)
    with store.session() as session:
        errors = [o for o in session.exec(select(Observation)) if o.status == "error"]
    store.dispose()
    assert errors, "misbehaving devices should make some probe attempts fail"
    assert all(o.reason for o in errors), "every failed attempt says why"

    for command in (["findings"], ["inventory"], ["findings", "--json"], ["inventory", "--json"]):
        code, out = muniscan("--db", db, *command)
        assert code == 0, out
        assert not TERMINAL_CONTROL.search(out.replace("\t", "")), f"{command}: control characters reached the terminal"
    code, out = muniscan("--db", db, "inventory", "--json")
    banners = " ".join(s["banner"] for a in json.loads(out) for s in a["services"])
    assert "\x1b" not in banners and "\x9b" not in banners
