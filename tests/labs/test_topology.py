"""Given a topology file, when it is loaded, then its rules hold and its problems name file, line and field."""

import ipaddress
from pathlib import Path

import pytest
from scapy.data import MANUFDB  # type: ignore[attr-defined]

from muniscan.labs.topology import NETNS_NETWORK, SCANNER_ADDRESS, builtin_names, builtin_vendors, load_topology
from muniscan.yamlfile import YamlFileError

HEADER = """name: sample
policy:
  name: sample-lab
  extends: enisa-baseline
  scope:
    include: [127.77.9.0/24]
    never_touch_ports: ["2024"]
devices:
"""
DEVICE = """  - name: {name}
    class: {cls}
    vendor: Lumenvik
    model: SLC-200
    firmware: "2.1.4"
    address: {address}
    services: [{{kind: telnet, port: {port}}}]
"""


def write(tmp_path: Path, *devices: dict[str, object], header: str = HEADER) -> Path:
    body = "".join(
        DEVICE.format(**{"name": "d", "cls": "plc", "address": "127.77.9.1", "port": 23, **d}) for d in devices
    )
    path = tmp_path / "lab.yaml"
    path.write_text(header + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("devices", "line", "field", "message"),
    [
        ([{"cls": "toaster"}], 10, "devices.0.class", "unknown device class 'toaster'"),
        ([{"address": "10.0.0.1"}], 14, "devices.0.address", "not a loopback address"),
        ([{"address": "127.77.8.1"}], 14, "devices.0.address", "outside the lab policy's scope"),
        ([{}, {"name": "e"}], 21, "devices.1.address", "also used by d"),
        ([{"port": 4444}], 15, "devices.0.services.0.port", "not in policy.discovery ports"),
        ([{"port": 2024}], 15, "devices.0.services.0.port", "never-touch"),
    ],
)
def test_problems_name_file_line_and_field(
    tmp_path: Path, devices: list[dict[str, object]], line: int, field: str, message: str
) -> None:
    path = write(tmp_path, *devices)
    with pytest.raises(YamlFileError) as raised:
        load_topology(str(path))
    assert f"{path}:{line}: field '{field}'" in str(raised.value)
    assert message in str(raised.value)


def test_a_lab_must_keep_the_reserved_port_untouched(tmp_path: Path) -> None:
    path = write(tmp_path, {}, header=HEADER.replace('["2024"]', '["515"]'))
    with pytest.raises(YamlFileError, match="never_touch_ports': must include 2024"):
        load_topology(str(path))


def test_namespace_mode_derives_addresses_macs_and_scope() -> None:
    loopback = load_topology("demo")
    lab = loopback.in_namespaces()
    assert lab.mode == "netns"
    assert [d.address for d in lab.devices] == ["198.19.0.10", "198.19.0.11", "198.19.0.12"]
    assert lab.policy.scope.include == lab.addresses
    for device in lab.devices:
        assert device.mac and device.mac.startswith(builtin_vendors()[device.vendor])
    assert lab.in_namespaces().devices == lab.devices  # already there: unchanged
    assert loopback.in_namespaces().devices == lab.devices  # deterministic


def test_ground_truth_carries_inventory_facts_and_mac_only_in_namespaces() -> None:
    loopback = load_topology("kommun")
    light = loopback.device("streetlight-ctrl-01")
    assert loopback.inventory_truth(light) == {
        "vendor": "Lumenvik",
        "model": "SLC-200",
        "firmware": "2.1.4",
        "device_class": "street-light-controller",
        "open_ports": ["tcp/23"],
    }
    hidden = loopback.inventory_truth(loopback.device("parking-gw-01"))
    assert hidden == {"open_ports": ["tcp/1883"]}  # an MQTT broker does not say who made it
    lab = loopback.in_namespaces()
    assert lab.inventory_truth(lab.device("parking-gw-01"))["mac"].startswith("24:0a:c4")


@pytest.mark.parametrize("name", builtin_names())
def test_builtin_labs_are_valid_and_stay_in_the_lab_range(name: str) -> None:
    lab = load_topology(name)
    assert lab.devices
    netns = lab.in_namespaces()
    assert all(ipaddress.ip_address(a) in NETNS_NETWORK for a in netns.addresses)
    assert SCANNER_ADDRESS not in netns.addresses
    assert len(set(netns.addresses)) == len(netns.addresses)


def test_kommun_mixes_classes_and_hardening() -> None:
    lab = load_topology("kommun")
    assert len({d.device_class for d in lab.devices}) >= 8
    hardened = [d for d in lab.devices if d.hardened]
    assert all(not d.expected_findings for d in hardened)
    assert 0.3 <= len(hardened) / len(lab.devices) <= 0.7


@pytest.mark.parametrize(("vendor", "prefix"), sorted(builtin_vendors().items()))
def test_vendor_prefixes_are_real_registered_ouis(vendor: str, prefix: str) -> None:
    """Invented vendors borrow real OUIs, so MAC lookups behave as on a real network."""
    registered = MANUFDB._get_manuf(prefix + ":00:00:01")
    assert registered and registered != prefix + ":00:00:01", f"{vendor}: {prefix} is not a registered OUI"
