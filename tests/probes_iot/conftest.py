"""Start one lab device service in-process on 127.77.11.0/24 and probe it through a real gate."""

import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from muniscan.labs.devices import starter
from muniscan.labs.devices.base import DeviceContext, DeviceLog, read_log
from muniscan.labs.topology import Device, ServiceSpec
from muniscan.policies.schema import Policy, Probes, Rate, Scope
from muniscan.scanner.gate import Gate
from muniscan.scanner.probes.base import Attempt, ProbeSpec, ServiceTarget, attempt
from muniscan.scanner.scope import Scope as RuntimeScope

# Each test run takes its own block of 12 addresses, so runs started side by side rarely collide.
_BLOCK = random.Random().randrange(20) * 12 + 10


def lab_address(slot: int) -> str:
    """The address for one protocol's tests (slot 0-11) inside this run's block of 127.77.11.0/24."""
    return f"127.77.11.{_BLOCK + slot}"


def lab_policy(address: str, **probes: Any) -> Policy:
    """Scope is exactly one lab address; short timeouts keep silent-port cases quick."""
    return Policy(
        name="iot-probe-test",
        scope=Scope(include=[address], never_touch_ports=["515", "2024", "9100-9107", "9999"]),
        rate=Rate(connect_timeout=1.0, read_timeout=1.0),
        probes=Probes(**probes),
    )


class LabDevice:
    """One simulated service with its log, as the lab runner would start it."""

    def __init__(self, folder: Path, kind: str, address: str, port: int, config: dict[str, Any], **device: Any):
        fields = {
            "name": f"{kind}-test",
            "class": "device-under-test",
            "vendor": "Testvendor",
            "model": "T-1",
            "firmware": "1.0.0",
        } | device
        self.device = Device.model_validate(
            {**fields, "address": address, "services": [{"kind": kind, "port": port, "config": config}]}
        )
        self.folder = folder
        self.log_path = folder / "devices.log"
        self.context = DeviceContext(
            self.device, ServiceSpec(kind=kind, port=port, config=config), DeviceLog(self.log_path), folder
        )

    def log(self) -> list[dict[str, Any]]:
        return read_log(self.log_path)


@asynccontextmanager
async def running(
    folder: Path, kind: str, address: str, port: int, config: dict[str, Any], **device: Any
) -> AsyncIterator[LabDevice]:
    lab = LabDevice(folder, kind, address, port, config, **device)
    service = await starter(kind)(lab.context)
    try:
        yield lab
    finally:
        await service.stop()
        lab.context.log.close()


async def run_probe(spec: ProbeSpec, target: ServiceTarget, policy: Policy | None = None) -> Attempt[Any]:
    """Run a probe the way the engine does: wrapped in an attempt, through a gate scoped to the lab address."""
    chosen = policy or lab_policy(target.address)
    gate = Gate(RuntimeScope.from_policy(chosen.scope), chosen.rate)
    return await attempt(spec, gate, target, chosen)
