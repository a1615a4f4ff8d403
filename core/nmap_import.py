"""Ingest an existing nmap XML report as a scan: assets, services, and nmap's banners and versions as facts.

Operators can reuse an approved scan instead of scanning again. Hosts outside the policy's scope
are refused (the whole file) or skipped and listed, as the policy says; nothing is sent anywhere.
"""

from dataclasses import dataclass, field
from pathlib import Path

from muniscan.facts.attempt import Attempt, AttemptStatus
from muniscan.facts.hosts import HostRecord, ServiceRecord
from muniscan.fingerprinting import fingerprint_scan
from muniscan.policies import Policy, policy_hash
from muniscan.scanner.nmap import NmapHost, NmapPort, parse_nmap_xml
from muniscan.scanner.scope import OutOfScope, Scope
from muniscan.store import Store
from muniscan.store.inventory import record_host
from muniscan.store.models import ScanRun, ScanStatus
from muniscan.store.models.common import utcnow

SOURCE = "nmap-import"


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


def split_by_scope(hosts: list[NmapHost], policy: Policy) -> tuple[list[NmapHost], list[str]]:
    scope = Scope.from_policy(policy.scope)
    if scope.empty:
        raise OutOfScope("the policy's scope is empty: add networks to scope.include")
    inside = [h for h in hosts if scope.contains(h.address)]
    outside = [h.address for h in hosts if not scope.contains(h.address)]
    if outside and policy.discovery.import_out_of_scope == "refuse":
        shown = ", ".join(outside[:10]) + (f" and {len(outside) - 10} more" if len(outside) > 10 else "")
        raise OutOfScope(
            f"the report names hosts outside the policy's scope: {shown} "
            "(set discovery.import_out_of_scope: skip to import the rest)"
        )
    return inside, outside


def import_nmap_xml(store: Store, policy: Policy, path: Path, site: str = "default") -> ImportOutcome:
    """Parse, check scope (refusing before anything is stored), then store as one completed scan."""
    hosts, skipped = split_by_scope(parse_nmap_xml(path.read_bytes()), policy)
    answering = [h for h in hosts if h.state == "up" or h.open_ports]
    records = [host_record(h) for h in answering]
    with store.session() as session:
        scan = ScanRun(
            policy_name=policy.name,
            policy_hash=policy_hash(policy),
            site=site,
            targets=[str(path)],
            counts={"source": SOURCE},
        )
        session.add(scan)
        session.flush()
        for host, record in zip(answering, records, strict=True):
            known = {(p.transport, p.port) for p in host.ports if p.state in ("open", "closed")}
            record_host(session, scan.id, record, site, known)  # type: ignore[arg-type]
        session.flush()
        identified = fingerprint_scan(session, scan.id)  # type: ignore[arg-type]
        services = sum(len(r.services) for r in records)
        scan.status, scan.finished_at = ScanStatus.COMPLETED.value, utcnow()
        scan.counts = {
            "source": SOURCE,
            "hosts": len(records),
            "services": services,
            "skipped_out_of_scope": len(skipped),
            "identified": identified,
        }
        session.add(scan)
        session.commit()
    return ImportOutcome(scan, len(records), services, skipped)
