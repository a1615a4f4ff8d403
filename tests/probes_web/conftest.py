"""Start one lab device service in-process on 127.77.10.0/24 and probe it through a real gate."""

import random
from typing import Any

from muniscan.facts.attempt import Attempt
from muniscan.policies.schema import Intrusiveness, Policy, Probes, Rate, Scope
from muniscan.scanner.probes.base import ProbeSpec, ServiceTarget
from tests.lab_device import probe_through_gate

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


async def run_probe(spec: ProbeSpec, target: ServiceTarget, policy: Policy | None = None) -> Attempt[Any]:
    """Run a probe through a real gate scoped to the lab address (or the given policy)."""
    return await probe_through_gate(spec, target, policy or lab_policy(target.address))
