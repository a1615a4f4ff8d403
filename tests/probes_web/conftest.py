"""Start one lab device service in-process on 127.77.10.0/24 and probe it through a real gate."""

import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from muniscan.labs.devices import starter
from muniscan.labs.devices.base import DeviceContext, DeviceLog, read_log
from muniscan.labs.topology import Device, ServiceSpec
from muniscan.policies.schema import Intrusiveness, Policy, Probes, Rate, Scope
from muniscan.scanner.gate import Gate
from muniscan.scanner.probes.base import Attempt, ProbeSpec, ServiceTarget, attempt
from muniscan.scanner.scope import Scope as RuntimeScope

NEVER_TOUCH = ["515", "2024", "9100-9107", "9999"]


def lab_address() -> str:
    """An address in 127.77.10.150-250, drawn per test module, so two suites running at once rarely meet."""
    return f"127.77.10.{random.randint(150, 250)}"


def lab_policy(address: str, intrusive: bool = False, **probes: Any) -> Policy:
    """Scope is exactly one lab address; short timeouts keep refused cases quick."""
    allow = [Intrusiveness.PASSIVE, Intrusiveness.SAFE] + ([Intrusiveness.INTRUSIVE] if intrusive else [])
    return Policy(
        name="web-probe-test",
        scope=Scope(include=[address], never_touch_ports=NEVER_TOUCH),
        rate=Rate(connect_timeout=1.0, read_timeout=1.5, packets_per_second=2000),
        probes=Probes(allow=allow, **probes),
    )


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


async def run_probe(spec: ProbeSpec, target: ServiceTarget, policy: Policy | None = None) -> Attempt[Any]:
    """Run a probe as the engine does: wrapped in an attempt, through a gate scoped to the lab address."""
    chosen = policy or lab_policy(target.address)
    gate = Gate(RuntimeScope.from_policy(chosen.scope), chosen.rate)
    return await attempt(spec, gate, target, chosen)
