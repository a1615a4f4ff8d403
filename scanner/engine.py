"""A scan from start to stored facts: discover hosts, find open ports, probe, record; then the checks."""

import asyncio
import ipaddress
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

from muniscan.facts.attempt import Attempt, AttemptStatus
from muniscan.facts.hosts import HostRecord, ServiceRecord
from muniscan.facts.nmap import NmapServiceFacts
from muniscan.facts.services import UDP_SERVICES, identify_service
from muniscan.policies.schema import Policy
from muniscan.scanner.discovery import HostLead, OpenPort, connect_and_greet, discover_hosts
from muniscan.scanner.gate import Gate
from muniscan.scanner.nmap import port_scan_arguments, run_nmap
from muniscan.scanner.probes import permitted_probes
from muniscan.scanner.probes.base import ProbeSpec, ServiceTarget, attempt
from muniscan.scanner.scope import Scope, parse_networks, parse_ports

# Probes whose facts decide what the service is, so they run before the rest.
FIRST_PROBES = ("banner", "tls")
# Runs after everything else on a service: its wrong logins may lock the device for a while,
# which would leave the other probes (a default password among them) with nothing to learn.
LAST_PROBES = ("brute_force",)
# Reasons worth another try (the device may have been busy); a protocol error will not change.
RETRIED_REASONS = ("timeout", "connectivity")

HostDone = Callable[[HostRecord], None]
HostsFound = Callable[[int, int], None]
# Open TCP ports per address, with what nmap said of each, when nmap found the ports.
KnownPorts = dict[str, dict[int, NmapServiceFacts]]


log = logging.getLogger(__name__)
LARGE_SCOPE = 65536  # planning more addresses than this is warned about


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
        if len(addresses) > LARGE_SCOPE:
            log.warning(
                "%d addresses in this scan: a scan this large takes long; consider scanning per segment", len(addresses)
            )
        tcp = scope.allowed_ports(parse_ports(policy.discovery.tcp_ports))
        udp = scope.allowed_ports(parse_ports(policy.discovery.udp_ports))
        return cls(policy, scope, addresses, tcp, udp)


def _tls_accepted(attempts: list[Attempt[Any]]) -> bool:
    tls = next((a for a in attempts if a.probe == "tls"), None)
    return bool(tls and tls.status is AttemptStatus.COMPLETED and tls.facts.versions_accepted)


def _named_by_probes(name: str, attempts: list[Attempt[Any]]) -> str:
    """A service its port and greeting left unnamed, named by the web probe when that spoke HTTP with it."""
    if name not in {"tls", "unknown"}:
        return name
    if any(a.probe == "http" and a.status is AttemptStatus.COMPLETED for a in attempts):
        return "https" if name == "tls" else "http"
    return name


async def attempt_with_retries(spec: ProbeSpec, gate: Gate, target: ServiceTarget, policy: Policy) -> Attempt[Any]:
    """A probe attempt, tried again (up to the policy's retries) when the device did not answer."""
    result = await attempt(spec, gate, target, policy)
    for _ in range(policy.rate.retries):
        if result.status is not AttemptStatus.ERROR or not (result.reason or "").startswith(RETRIED_REASONS):
            break
        result = await attempt(spec, gate, target, policy)
    return result


async def probe_service(
    gate: Gate, found: OpenPort, probes: tuple[ProbeSpec, ...], policy: Policy, known: list[Attempt[Any]] | None = None
) -> ServiceRecord:
    target = ServiceTarget(found.address, found.port, banner=found.banner)
    attempts = [await attempt_with_retries(p, gate, target, policy) for p in probes if p.name in FIRST_PROBES]
    tls = _tls_accepted(attempts)
    name = identify_service(found.port, found.banner, tls)
    target = replace(target, tls=tls, name=name)
    later = sorted((p for p in probes if p.name not in FIRST_PROBES), key=lambda p: p.name in LAST_PROBES)
    attempts += [await attempt_with_retries(p, gate, target, policy) for p in later]
    name = _named_by_probes(name, attempts)
    kept = [a for a in attempts if a.status is not AttemptStatus.NOT_APPLICABLE] + list(known or [])
    return ServiceRecord(found.port, name, tls, found.banner, kept)


async def probe_udp(
    gate: Gate, address: str, port: int, probes: tuple[ProbeSpec, ...], policy: Policy
) -> ServiceRecord | None:
    """UDP has no handshake: a port counts as open when a protocol probe got an answer."""
    target = ServiceTarget(address, port, transport="udp", name=UDP_SERVICES.get(port))
    attempts = [await attempt_with_retries(p, gate, target, policy) for p in probes if p.applies(target)]
    if not any(a.status is AttemptStatus.COMPLETED for a in attempts):
        return None
    return ServiceRecord(port, target.name or "unknown", False, b"", attempts, transport="udp")


async def scan_host(
    gate: Gate, lead: HostLead, plan: ScanPlan, probes: tuple[ProbeSpec, ...], known: KnownPorts | None = None
) -> HostRecord:
    address = lead.address
    nmap_facts = known.get(address, {}) if known is not None else {}
    ports = sorted(nmap_facts) if known is not None else plan.tcp_ports
    greeted = await asyncio.gather(*(connect_and_greet(gate, address, p) for p in ports))
    found = [f for f in greeted if f is not None]

    def nmap_attempt(port: int) -> list[Attempt[Any]]:
        facts = nmap_facts.get(port)
        return [Attempt("nmap", AttemptStatus.COMPLETED, facts)] if facts and facts.name else []

    tcp = asyncio.gather(*(probe_service(gate, f, probes, plan.policy, nmap_attempt(f.port)) for f in found))
    udp = asyncio.gather(*(probe_udp(gate, address, p, probes, plan.policy) for p in plan.udp_ports))
    tcp_services, udp_services = await asyncio.gather(tcp, udp)
    services = list(tcp_services) + [s for s in udp_services if s is not None]
    return HostRecord(address, services, mac=lead.mac, attempts=lead.attempts, alive=lead.alive)


def _in_any(address: str, networks: list[str]) -> bool:
    ip = ipaddress.ip_address(address)
    return any(ip in net for text in networks for net in parse_networks(text))


async def nmap_port_discovery(gate: Gate, plan: ScanPlan, addresses: list[str]) -> KnownPorts:
    """nmap finds the open TCP ports (with -sV on the policy's chosen hosts); our probes do the rest."""
    for address in addresses:
        async with gate.permit(address):  # scope check and accounting before nmap is called
            pass
    chosen = plan.policy.discovery.nmap_version_detection
    with_versions = [a for a in addresses if _in_any(a, chosen)]
    groups = {True: with_versions, False: [a for a in addresses if a not in with_versions]}
    known: KnownPorts = {a: {} for a in addresses}
    for version_detection, group in groups.items():
        if not group or not plan.tcp_ports:
            continue
        args = port_scan_arguments(plan.scope, plan.policy.rate, plan.tcp_ports, [], version_detection)
        for host in await asyncio.to_thread(run_nmap, plan.scope, group, args):
            if host.address in known:
                known[host.address] = {p.port: p.service for p in host.open_ports if p.transport == "tcp"}
    return known


async def run_plan(
    plan: ScanPlan, on_host: HostDone, host_concurrency: int = 256, on_hosts_found: HostsFound | None = None
) -> Gate:
    """Scan every address, calling `on_host` as each finishes; returns the gate for its counters."""
    gate = Gate(plan.scope, plan.policy.rate)
    probes = permitted_probes(plan.policy)
    leads = await discover_hosts(gate, plan.addresses, plan.policy.discovery)
    if on_hosts_found:
        on_hosts_found(len(leads), len(plan.addresses))
    known = None
    if plan.policy.discovery.port_scanner == "nmap":
        known = await nmap_port_discovery(gate, plan, [lead.address for lead in leads])
    slots = asyncio.Semaphore(host_concurrency)
    loop = asyncio.get_running_loop()

    async def one(lead: HostLead, recorder: ThreadPoolExecutor) -> None:
        async with slots:
            host = await scan_host(gate, lead, plan, probes, known)
        # Off the event loop: recording a host reads what its devices sent (personal-data detection on untrusted
        # payloads), which must not hold up the other hosts' probes nor the scan's time limit. One thread, so
        # hosts are recorded one at a time as before.
        await loop.run_in_executor(recorder, on_host, host)

    recorder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="muniscan-record")
    try:
        await asyncio.gather(*(one(lead, recorder) for lead in leads))
    finally:  # on a time limit or interrupt: finish the host in hand, record no more
        recorder.shutdown(wait=True, cancel_futures=True)
    return gate
