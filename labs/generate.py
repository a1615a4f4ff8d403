"""Generated labs: N devices drawn from a catalogue of device templates, with a known mix of weaknesses.

The same count and seed always give the same lab, so a score can be compared between scanner versions.
Devices live on 127.78.0.0/16 and are served by a few processes, each serving many addresses. A city-scale
lab spreads them over sites instead, one /16 segment per site from 127.110.0.0/16 to 127.119.0.0/16, so that
each site can have an agent whose own scope is its segment.
"""

import ipaddress
import random
from dataclasses import dataclass, field
from importlib.util import find_spec
from typing import Any

import yaml

from muniscan.labs.topology import NETNS_NETWORK

GENERATED_BASE = ipaddress.ip_address("127.78.0.0")
SITE_BASE = ipaddress.ip_address("127.110.0.0")
MAX_SITES = 10
NETNS_SITE_BLOCK = 8192  # a site's share of the namespace network 198.18.0.0/15 (a /19)
NEVER_TOUCH = ["515", "2024", "9100-9107", "9999"]


@dataclass(frozen=True)
class Template:
    """One kind of device as it is found in the field: its services and the findings they should cause."""

    device_class: str
    vendor: str
    model: str
    firmware: str
    weight: float
    services: list[dict[str, Any]]
    expected_findings: list[str] = field(default_factory=list)
    # Facts no service of the template tells a scanner (an MQTT broker names no device): ground truth
    # leaves them unknowable rather than counting them as misses.
    unknowable: tuple[str, ...] = ()

    @property
    def kinds(self) -> set[str]:
        return {s["kind"] for s in self.services}

    @property
    def hardened(self) -> bool:
        return not self.expected_findings


def _telnet(port: int, banner: str, accounts: dict[str, str]) -> dict[str, Any]:
    return {"kind": "telnet", "port": port, "config": {"banner": banner, "accounts": accounts}}


def _mqtt(anonymous: bool) -> dict[str, Any]:
    accounts = {} if anonymous else {"sensor": "M9tt-Sens0r"}
    return {"kind": "mqtt", "port": 1883, "config": {"anonymous": anonymous, "accounts": accounts}}


def _https(port: int, versions: list[str]) -> dict[str, Any]:
    return {"kind": "https", "port": port, "config": {"tls_versions": versions, "accounts": {"admin": "S3cure-Adm1n!"}}}


MQTT_ONLY = ("vendor", "model", "firmware", "class")

# HTTPS devices are rarer on purpose: each needs an RSA key, the slowest part of starting a device.
CATALOGUE: tuple[Template, ...] = (
    Template(
        "street-light-controller",
        "Lumenvik",
        "SLC-200",
        "2.1.4",
        3,
        [_telnet(23, "Lumenvik SLC-200 street light controller, firmware 2.1.4", {"admin": "admin"})],
        ["telnet_management_plaintext"],
    ),
    Template(
        "traffic-signal-controller",
        "Signalgrid",
        "TSC-8",
        "4.0.2",
        1,
        [_telnet(2323, "Signalgrid TSC-8 maintenance port, firmware 4.0.2", {"service": "service"})],
        ["telnet_management_plaintext"],
    ),
    Template(
        "parking-sensor-gateway",
        "Parkera",
        "PG-10",
        "1.0.7",
        2,
        [_mqtt(anonymous=True)],
        ["mqtt_anonymous_access", "mqtt_plaintext_transport"],
        MQTT_ONLY,
    ),
    # Passwords, but still plaintext MQTT: partly hardened, the common case in the field.
    Template(
        "people-counter",
        "Countwise",
        "PC-3",
        "5.2.0",
        2,
        [_mqtt(anonymous=False)],
        ["mqtt_plaintext_transport"],
        MQTT_ONLY,
    ),
    Template(
        "district-heating-meter",
        "Varmeverk",
        "DHM-4",
        "3.3.1",
        1.5,
        [_mqtt(anonymous=False)],
        ["mqtt_plaintext_transport"],
        MQTT_ONLY,
    ),
    Template(
        "smart-waste-bin",
        "Binsight",
        "SB-1",
        "0.9.12",
        1.5,
        [_mqtt(anonymous=True), _telnet(23, "Binsight SB-1, firmware 0.9.12", {"root": "binsight"})],
        ["mqtt_anonymous_access", "mqtt_plaintext_transport", "telnet_management_plaintext"],
    ),
    Template(
        "building-management",
        "Klimatec",
        "BMS-Web 3",
        "3.2.0",
        0.35,
        [_https(8443, ["1.0", "1.2"])],
        ["tls_legacy_protocol_offered", "tls_weak_cipher_offered"],
        ("firmware",),  # the web interface names vendor and model, never its version
    ),
    Template("water-level-sensor", "Flodia", "WL-2", "2.0.1", 0.35, [_https(443, ["1.2", "1.3"])], [], ("firmware",)),
)


def available_templates() -> list[Template]:
    """Templates whose every service kind has a simulated device module in this installation."""
    return [t for t in CATALOGUE if all(find_spec(f"muniscan.labs.devices.{k}") for k in t.kinds)]


def address_of(index: int, site: int | None = None) -> str:
    """The index-th generated address (of a site's segment), skipping .0 and .255 so every address looks like a
    host."""
    third, fourth = divmod(index, 254)
    return str((GENERATED_BASE if site is None else SITE_BASE + site * 65536) + third * 256 + fourth + 1)


def site_name(site: int) -> str:
    return f"site-{site + 1}"


def site_segment(site: int) -> str:
    """The site's network, the scope of its agent."""
    return f"{SITE_BASE + site * 65536}/16"


def site_of(address: str) -> str | None:
    """The site whose segment holds a generated address, if any."""
    for site in range(MAX_SITES):
        if ipaddress.ip_address(address) in ipaddress.ip_network(site_segment(site)):
            return site_name(site)
    return None


def generate(count: int, seed: int, name: str | None = None, sites: int = 1) -> dict[str, Any]:
    """A topology mapping (as written to YAML) with `count` devices; the same seed gives the same lab. With
    several sites, device i lives in site i mod `sites`."""
    if not 0 < count <= 254 * 256:
        raise ValueError(f"a generated lab has 1 to {254 * 256} devices, not {count}")
    if not 1 <= sites <= MAX_SITES:
        raise ValueError(f"a generated lab has 1 to {MAX_SITES} sites, not {sites}")

    if sites > 1 and -(-count // sites) > NETNS_SITE_BLOCK * 254 // 256:
        raise ValueError(f"at most {NETNS_SITE_BLOCK * 254 // 256} devices per site")

    def placed(i: int) -> str:
        return address_of(i) if sites == 1 else address_of(i // sites, i % sites)

    def in_namespaces(i: int) -> dict[str, str]:
        """Sites reuse the same low address bits, so each site gets its own block of the namespace network."""
        if sites == 1:
            return {}
        third, fourth = divmod(i // sites, 254)
        return {"netns_address": str(NETNS_NETWORK[0] + (i % sites) * NETNS_SITE_BLOCK + third * 256 + fourth + 1)}

    templates = available_templates()
    draw = random.Random(seed)
    chosen = draw.choices(templates, weights=[t.weight for t in templates], k=count)
    devices = [
        {
            "name": f"{t.device_class.split('-')[0]}-{i:05d}",
            "class": t.device_class,
            "vendor": t.vendor,
            "model": t.model,
            "firmware": t.firmware,
            "address": placed(i),
            **in_namespaces(i),
            "hardened": t.hardened,
            "services": t.services,
            "expected_findings": t.expected_findings,
            **({"expected_inventory": dict.fromkeys(t.unknowable)} if t.unknowable else {}),
        }
        for i, t in enumerate(chosen)
    ]
    lab = name or (f"generated-{count}-{seed}" if sites == 1 else f"city-{count}-{seed}-{sites}")
    ranges = [f"{placed(s)}-{placed(s + sites * ((count - 1 - s) // sites))}" for s in range(min(sites, count))]
    return {
        "name": lab,
        "description": f"{count} devices drawn with seed {seed} from the device template catalogue"
        + (f", spread over {sites} sites ({', '.join(site_segment(s) for s in range(sites))})." if sites > 1 else "."),
        "policy": {
            "name": f"{lab}-lab",
            "extends": "enisa-baseline",
            "description": "Scope is exactly the generated devices' addresses.",
            "scope": {"include": ranges, "never_touch_ports": NEVER_TOUCH},
        },
        "devices": devices,
    }


def generated_yaml(count: int, seed: int, name: str | None = None, sites: int = 1) -> str:
    return yaml.safe_dump(generate(count, seed, name, sites), sort_keys=False, width=120)
