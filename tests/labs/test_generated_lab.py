"""Given a count and a seed, when a lab is generated, then it is the same lab every time and carries its truth."""

import ipaddress
import json

import pytest

from muniscan.labs import runner
from muniscan.labs.generate import CATALOGUE, address_of, available_templates, generate, generated_yaml
from muniscan.labs.topology import load_topology

from .conftest import muniscan


def test_same_seed_same_lab_and_a_known_mix() -> None:
    first, again, other = generate(300, 7), generate(300, 7), generate(300, 8)
    assert first == again and first != other
    devices = first["devices"]
    assert len({d["address"] for d in devices}) == 300
    assert all(ipaddress.ip_address(d["address"]) in ipaddress.ip_network("127.78.0.0/16") for d in devices)
    weak = [d for d in devices if d["expected_findings"]]
    assert 0 < len(weak) < 300
    assert {d["class"] for d in devices} <= {t.device_class for t in CATALOGUE}


@pytest.mark.parametrize("template", CATALOGUE, ids=lambda t: t.model)
def test_ground_truth_claims_only_what_a_service_tells(template) -> None:
    """Identity comes from telnet banners and web pages; an MQTT broker tells nothing about its device."""
    banners = " ".join(s["config"].get("banner", "") for s in template.services if s["kind"] == "telnet")
    if template.kinds == {"mqtt"}:
        assert set(template.unknowable) == {"vendor", "model", "firmware", "class"}
    if "firmware" not in template.unknowable:
        assert f"firmware {template.firmware}" in banners
    device = generate(1, 0)["devices"][0]
    assert set(device.get("expected_inventory", {})) == set(
        next(t for t in CATALOGUE if t.model == device["model"]).unknowable
    )


def test_templates_use_only_device_kinds_that_exist() -> None:
    assert available_templates()
    assert address_of(0) == "127.78.0.1" and address_of(253) == "127.78.0.254" and address_of(254) == "127.78.1.1"


@pytest.mark.slow
@pytest.mark.slow
def test_a_generated_city_of_ten_thousand_devices_loads(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The YAML bounds that refuse a hostile policy leave room for a city's topology (about 2.7 MB)."""
    path = tmp_path / "city.yaml"
    path.write_text(generated_yaml(10_000, 1, sites=5))
    assert len(load_topology(str(path)).devices) == 10_000


def test_generated_lab_comes_up_and_answers() -> None:
    code, out = muniscan("lab", "up", "--generate", "40", "--seed", "3", "--name", "gen-test")
    assert code == 0, out
    try:
        state = runner.read_state("gen-test")
        assert state is not None and len(state.pids) == 2  # a couple of processes serve every address
        code, out = muniscan("lab", "status", "--json")
        rows = [r for r in json.loads(out) if r["lab"] == "gen-test"]
        assert len(rows) == 40
        assert all(sorted(r["answering"]) == sorted(r["expected"]) for r in rows)
    finally:
        muniscan("lab", "down", "gen-test")
