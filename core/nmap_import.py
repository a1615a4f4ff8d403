"""Ingest an existing nmap XML report as a scan: assets, services, and nmap's banners and versions as facts.

Operators can reuse an approved scan instead of scanning again. Only hosts with an open port
become devices, and the run records the port list nmap probed, so it closes no finding on a port it
did not cover. Hosts outside the policy's scope
are refused (the whole file) or skipped and listed, as the policy says; nothing is sent anywhere.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from muniscan.coverage import ports_record, scope_record
from muniscan.facts.attempt import Attempt, AttemptStatus
from muniscan.facts.hosts import HostRecord, ServiceRecord
from muniscan.fingerprinting import fingerprint_scan
from muniscan.policies import Policy, policy_hash
from muniscan.scanner.nmap import NmapHost, NmapPort, iter_nmap_hosts, scanned_ports
from muniscan.scanner.scope import OutOfScope, Scope
from muniscan.store import Store
from muniscan.store.inventory import record_host
from muniscan.store.models import ScanKind, ScanRun, ScanStatus
from muniscan.store.models.common import utcnow

SOURCE = "nmap-import"
Progress = Callable[[int, int], None]


@dataclass
class ImportOutcome:
    scan: ScanRun
    hosts: int
    services: int
    skipped: list[str] = field(default_factory=list)


def service_name(port: NmapPort) -> str:
    name = port.service.name or "unknown"
    if port.service.tunnel == "ssl" and name == "http":
        return "https"
    return name[:64]


def host_record(host: NmapHost) -> HostRecord:
    services = [
        ServiceRecord(
            port=p.port,
            name=service_name(p),
            tls=p.service.tunnel == "ssl",
            banner=p.service.banner.encode(),
            attempts=[Attempt("nmap", AttemptStatus.COMPLETED, p.service)],
            transport=p.transport,
        )
        for p in host.open_ports
    ]
    return HostRecord(host.address, services, mac=host.mac, alive=host.state == "up")


BATCH = 500  # hosts stored per transaction: progress is visible and memory stays flat


def split_by_scope(hosts: Iterable[NmapHost], policy: Policy) -> tuple[int, list[str]]:
    """How many hosts are in scope, and the addresses of those outside it (refused unless the policy says skip)."""
    scope = Scope.from_policy(policy.scope)
    if scope.empty:
        raise OutOfScope("the policy's scope is empty: add networks to scope.include")
    inside, outside = 0, []
    for host in hosts:
        if scope.contains(host.address):
            inside += 1
        else:
            outside.append(host.address)
    if outside and policy.discovery.import_out_of_scope == "refuse":
        shown = ", ".join(outside[:10]) + (f" and {len(outside) - 10} more" if len(outside) > 10 else "")
        raise OutOfScope(
            f"the report names hosts outside the policy's scope: {shown} "
            "(set discovery.import_out_of_scope: skip to import the rest)"
        )
    return inside, outside


def report_ports(path: Path, listed: dict[str, set[int]]) -> dict[str, str]:
    """The ports the nmap run probed: its <scaninfo>, else the ports its hosts list."""
    probed = scanned_ports(path)
    if probed:
        return {"tcp": probed.get("tcp", ""), "udp": probed.get("udp", "")}
    return ports_record(listed.get("tcp", ()), listed.get("udp", ()))


def import_nmap_xml(
    store: Store, policy: Policy, path: Path, site: str = "default", progress: Progress | None = None
) -> ImportOutcome:
    """Read the file twice, streaming: first the scope check (refusing before anything is stored), then the hosts
    stored BATCH at a time, `progress(stored, in_scope)` after each batch; the scan is completed at the end."""
    in_scope, skipped = split_by_scope(iter_nmap_hosts(path), policy)
    scope = Scope.from_policy(policy.scope)
    with store.session() as session:
        scan = ScanRun(
            kind=ScanKind.IMPORT.value,
            policy_name=policy.name,
            policy_hash=policy_hash(policy),
            site=site,
            targets=[str(path)],
            counts={"source": SOURCE},
            scope=scope_record(policy),
            probe_classes=["imported"],
        )
        session.add(scan)
        session.commit()
    hosts = services = seen = 0
    batch: list[NmapHost] = []
    listed: dict[str, set[int]] = {"tcp": set(), "udp": set()}  # the ports hosts list, when <scaninfo> is missing

    def store_batch() -> None:
        nonlocal hosts, services
        with store.session() as session:
            for host in batch:
                record = host_record(host)
                known = {(p.transport, p.port) for p in host.ports if p.state in ("open", "closed")}
                record_host(session, scan.id, record, site, known)  # type: ignore[arg-type]
                hosts, services = hosts + 1, services + len(record.services)
            session.commit()
        batch.clear()
        if progress:
            progress(seen, in_scope)

    for host in iter_nmap_hosts(path):
        if not scope.contains(host.address):
            continue
        seen += 1
        for port in host.ports:
            listed.setdefault(port.transport, set()).add(port.port)
        # A host with no open port says nothing about a device: with -Pn nmap lists every address as up.
        if host.open_ports:
            batch.append(host)
        if len(batch) >= BATCH:
            store_batch()
    store_batch()
    with store.session() as session:
        identified = fingerprint_scan(session, scan.id)  # type: ignore[arg-type]
        scan.status, scan.finished_at = ScanStatus.COMPLETED.value, utcnow()
        scan.ports = report_ports(path, listed)
        scan.counts = {
            "source": SOURCE,
            "hosts": hosts,
            "services": services,
            "skipped_out_of_scope": len(skipped),
            "identified": identified,
        }
        session.add(scan)
        session.commit()
    return ImportOutcome(scan, hosts, services, skipped)
