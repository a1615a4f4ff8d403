"""Given a lab's ground truth, when its latest scan is verified, then recall, precision and misses are exact."""

import json
from pathlib import Path

import pytest

from muniscan.labs.topology import Topology, load_topology
from muniscan.labs.verify import score_inventory
from muniscan.store.models import Asset

from .conftest import muniscan


def test_inventory_is_scored_fact_by_fact() -> None:
    lab = load_topology("demo")
    light, parking, hvac = lab.devices
    assets = {
        light.address: Asset(id=1, identity="a", address=light.address, vendor="lumenvik", model="SLC-200"),
        parking.address: Asset(id=2, identity="b", address=parking.address),
    }
    ports = {1: {"tcp/2323"}, 2: {"tcp/1883", "tcp/8080"}}
    score = score_inventory(lab, assets, ports)
    assert score.by_fact["open_port"] == {"expected": 3, "matched": 2}
    assert score.by_fact["vendor"] == {"expected": 3, "matched": 1}  # case does not matter
    assert score.expected == 3 * 4 + 3 and score.matched == 2 + 2
    assert {(m.device, m.fact) for m in score.misses} >= {(hvac.name, "open_port"), (light.name, "firmware")}
    assert [(m.device, m.seen) for m in score.false_alarms] == [(parking.name, "tcp/8080")]


def test_verify_without_a_scan_says_what_to_do(tmp_path: Path) -> None:
    code, _ = muniscan("--db", str(tmp_path / "empty.sqlite"), "lab", "verify", "demo")
    assert code == 2


@pytest.mark.slow
def test_verify_scores_the_latest_scan_of_the_lab(demo_lab: Topology, tmp_path: Path) -> None:
    db = str(tmp_path / "verify.sqlite")
    assert muniscan("--db", db, "scan", "--lab", "demo", "-q")[0] == 0
    code, out = muniscan("--db", db, "lab", "verify", "demo", "--json")
    assert code == 0, out
    score = json.loads(out)
    assert score["recall"] == 1.0 and score["misses"] == []
    assert score["expected"] == sum(len(d.expected_findings) for d in demo_lab.devices)
    assert 0 < score["precision"] <= 1.0
    assert score["inventory"]["by_fact"]["open_port"] == {"expected": 3, "matched": 3}
    assert set(score["inventory"]) >= {"recall", "misses"}

    assert muniscan("--db", db, "lab", "verify", "demo", "--min-recall", "1.0")[0] == 0
    assert muniscan("--db", db, "lab", "verify", "demo", "--min-precision", "1.01")[0] == 1
    code, out = muniscan("--db", db, "lab", "verify", "demo")
    assert code == 0 and "recall 1.00" in out and "inventory by fact" in out
