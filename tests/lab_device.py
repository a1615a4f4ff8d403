"""One lab device service started in-process, and a probe run against it through a real gate.

Shared by the protocol probe suites; each suite picks its own address block and policy.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from muniscan.facts.attempt import Attempt
from muniscan.labs.devices import starter
from muniscan.labs.devices.base import DeviceContext, DeviceLog, read_log
from muniscan.labs.topology import Device, ServiceSpec
from muniscan.policies.schema import Policy
from muniscan.scanner.gate import Gate
from muniscan.scanner.probes.base import ProbeSpec, ServiceTarget, attempt
from muniscan.scanner.scope import Scope


class LabDevice:
    """One simulated service with its log, as the lab runner would start it."""

    def __init__(self, folder: Path, kind: str, address: str, port: int, config: dict[str, Any], **device: Any):
        fields = {"name": f"{kind}-{port}", "class": "device-under-test", "vendor": "Testvendor", "model": "T-1"}
        fields |= {"firmware": "1.0.0"} | device
        self.device = Device.model_validate(
            {**fields, "address": address, "services": [{"kind": kind, "port": port, "config": config}]}
        )
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
    """A started lab service that is always stopped again."""
    lab = LabDevice(folder, kind, address, port, config, **device)
    service = await starter(kind)(lab.context)
    try:
        yield lab
    finally:
        await service.stop()
        lab.context.log.close()


async def probe_through_gate(spec: ProbeSpec, target: ServiceTarget, policy: Policy) -> Attempt[Any]:
    """Run a probe as the engine does: wrapped in an attempt, through a gate scoped by the policy."""
    gate = Gate(Scope.from_policy(policy.scope), policy.rate)
    return await attempt(spec, gate, target, policy)
