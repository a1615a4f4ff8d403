"""Start one lab device service in-process on 127.77.11.0/24 and probe it through a real gate."""

import random
from typing import Any

from muniscan.facts.attempt import Attempt
from muniscan.policies.schema import Policy, Probes, Rate, Scope
from muniscan.scanner.probes.base import ProbeSpec, ServiceTarget
from tests.lab_device import probe_through_gate

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


async def run_probe(spec: ProbeSpec, target: ServiceTarget, policy: Policy | None = None) -> Attempt[Any]:
    """Run a probe through a real gate scoped to the lab address (or the given policy)."""
    return await probe_through_gate(spec, target, policy or lab_policy(target.address))
