"""A scan from start to stored facts: discover, probe, record; then hand over to the checks."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from muniscan.policies.schema import Policy
from muniscan.scanner.discovery import OpenPort, discover_host
from muniscan.scanner.gate import Gate
from muniscan.scanner.probes import permitted_probes
from muniscan.scanner.probes.base import Attempt, AttemptStatus, ProbeSpec, ServiceTarget, attempt
from muniscan.scanner.scope import Scope, parse_ports
from muniscan.scanner.services import UDP_SERVICES, identify_service
from muniscan.store.inventory import HostRecord, ServiceRecord

# Probes whose facts decide what the service is, so they run before the rest.
FIRST_PROBES = ("banner", "tls")

HostDone = Callable[[HostRecord], None]


@dataclass(frozen=True)
class ScanPlan:
    policy: Policy
    scope: Scope
    addresses: list[str]
    tcp_ports: list[int]
    udp_ports: list[int]

    @classmethod
    def build(cls, policy: Policy, targets: list[str]) -> "ScanPlan":
        """Refuses (OutOfScope) before anything is sent if the scope is empty or a target is outside it."""
        scope = Scope.from_policy(policy.scope)
        addresses = scope.expand(targets, limit=policy.discovery.max_addresses)
        tcp = scope.allowed_ports(parse_ports(policy.discovery.tcp_ports))
        udp = scope.allowed_ports(parse_ports(policy.discovery.udp_ports))
        return cls(policy, scope, addresses, tcp, udp)


def _tls_accepted(attempts: list[Attempt[Any]]) -> bool:
    tls = next((a for a in attempts if a.probe == "tls"), None)
    return bool(tls and tls.status is AttemptStatus.COMPLETED and tls.facts.versions_accepted)


async def probe_service(gate: Gate, found: OpenPort, probes: tuple[ProbeSpec, ...], policy: Policy) -> ServiceRecord:
    target = ServiceTarget(found.address, found.port, banner=found.banner)
    attempts = [await attempt(p, gate, target, policy) for p in probes if p.name in FIRST_PROBES]
    tls = _tls_accepted(attempts)
    name = identify_service(found.port, found.banner, tls)
    target = replace(target, tls=tls, name=name)
    attempts += [await attempt(p, gate, target, policy) for p in probes if p.name not in FIRST_PROBES]
    kept = [a for a in attempts if a.status is not AttemptStatus.NOT_APPLICABLE]
    return ServiceRecord(found.port, name, tls, found.banner, kept)


async def probe_udp(
    gate: Gate, address: str, port: int, probes: tuple[ProbeSpec, ...], policy: Policy
) -> ServiceRecord | None:
    """UDP has no handshake: a port counts as open when a protocol probe got an answer."""
    target = ServiceTarget(address, port, transport="udp", name=UDP_SERVICES.get(port))
    attempts = [await attempt(p, gate, target, policy) for p in probes if p.applies(target)]
    if not any(a.status is AttemptStatus.COMPLETED for a in attempts):
        return None
    return ServiceRecord(port, target.name or "unknown", False, b"", attempts, transport="udp")


async def scan_host(gate: Gate, address: str, plan: ScanPlan, probes: tuple[ProbeSpec, ...]) -> HostRecord:
    found = await discover_host(gate, address, plan.tcp_ports)
    tcp = asyncio.gather(*(probe_service(gate, f, probes, plan.policy) for f in found))
    udp = asyncio.gather(*(probe_udp(gate, address, p, probes, plan.policy) for p in plan.udp_ports))
    tcp_services, udp_services = await asyncio.gather(tcp, udp)
    return HostRecord(address, list(tcp_services) + [s for s in udp_services if s is not None])


async def run_plan(plan: ScanPlan, on_host: HostDone, host_concurrency: int = 256) -> Gate:
    """Scan every address, calling `on_host` as each finishes; returns the gate for its counters."""
    gate = Gate(plan.scope, plan.policy.rate)
    probes = permitted_probes(plan.policy)
    slots = asyncio.Semaphore(host_concurrency)

    async def one(address: str) -> None:
        async with slots:
            on_host(await scan_host(gate, address, plan, probes))

    await asyncio.gather(*(one(a) for a in plan.addresses))
    return gate
