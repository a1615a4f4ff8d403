"""Lab topologies: devices, their services good or bad, and the ground truth a scan is scored on."""

import ipaddress
from importlib import resources
from pathlib import Path
from typing import Any

from muniscan.policies.loader import resolve_extends
from muniscan.policies.schema import Policy
from muniscan.scanner.scope import Scope
from muniscan.yamlfile import YamlFileError, read_yaml, validate
from pydantic import BaseModel, ConfigDict, Field, model_validator

# The machine answers on this port of every loopback address; no lab may touch it.
RESERVED_PORT = 2024


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ServiceSpec(Strict):
    kind: str
    port: int = Field(gt=0, le=65535)
    config: dict[str, Any] = Field(default_factory=dict)


class Device(Strict):
    name: str
    device_class: str = Field(alias="class")
    vendor: str
    model: str
    firmware: str
    address: str
    mac: str | None = None
    hardened: bool = False
    services: list[ServiceSpec]
    expected_findings: list[str] = Field(default_factory=list)


class Topology(Strict):
    name: str
    description: str = ""
    policy: Policy
    devices: list[Device]

    @model_validator(mode="after")
    def _consistent(self) -> "Topology":
        seen: set[str] = set()
        scope = Scope.from_policy(self.policy.scope)
        if RESERVED_PORT not in scope.never_touch_ports:
            raise ValueError(f"policy.scope.never_touch_ports must include {RESERVED_PORT}")
        for device in self.devices:
            address = ipaddress.ip_address(device.address)
            if not address.is_loopback:
                raise ValueError(f"device {device.name}: {address} is not a loopback address")
            if device.address in seen:
                raise ValueError(f"device {device.name}: address {address} is used twice")
            seen.add(device.address)
            if not scope.contains(address):
                raise ValueError(f"device {device.name}: {address} is outside the lab policy's scope")
            for service in device.services:
                if service.port in scope.never_touch_ports:
                    raise ValueError(f"device {device.name}: port {service.port} is on the never-touch list")
        return self

    def device(self, name: str) -> Device:
        return next(d for d in self.devices if d.name == name)

    @property
    def addresses(self) -> list[str]:
        return [d.address for d in self.devices]


def builtin_names() -> list[str]:
    folder = resources.files("muniscan.labs") / "topologies"
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


def topology_path(name_or_path: str) -> Path:
    candidate = Path(name_or_path)
    if candidate.suffix in {".yaml", ".yml"}:
        return candidate
    path = Path(str(resources.files("muniscan.labs") / "topologies" / f"{name_or_path}.yaml"))
    if not path.is_file():
        raise YamlFileError(f"no built-in lab '{name_or_path}' (known: {', '.join(builtin_names())})")
    return path


def load_topology(name_or_path: str) -> Topology:
    path = topology_path(name_or_path)
    data, node = read_yaml(path)
    if isinstance(data, dict) and isinstance(data.get("policy"), dict):
        data["policy"] = resolve_extends(data["policy"], path)
    return validate(Topology, data, node, path)
