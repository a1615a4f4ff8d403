"""Write what a scan saw of one host: asset, services and probe attempts."""

from dataclasses import dataclass, field
from typing import Any

from muniscan.facts import to_json
from muniscan.scanner.probes.base import Attempt
from muniscan.store.models import Asset, Observation, Service
from muniscan.store.models.common import utcnow
from muniscan.text import printable_banner
from sqlmodel import Session, select


@dataclass
class ServiceRecord:
    port: int
    name: str
    tls: bool
    banner: bytes
    attempts: list[Attempt[Any]] = field(default_factory=list)
    transport: str = "tcp"


@dataclass
class HostRecord:
    address: str
    services: list[ServiceRecord]
    mac: str | None = None


def asset_identity(site: str, address: str, mac: str | None) -> str:
    return f"mac:{mac.lower()}" if mac else f"ip:{site}:{address}"


def record_host(
    session: Session, scan_id: int, host: HostRecord, site: str, scanned_ports: set[tuple[str, int]]
) -> Asset:
    """Upsert the asset and its services; a scanned port that no longer answers is marked closed."""
    now = utcnow()
    identity = asset_identity(site, host.address, host.mac)
    asset = session.exec(select(Asset).where(Asset.identity == identity)).first()
    if asset is None:
        asset = Asset(identity=identity, site=site, address=host.address, mac=host.mac)
    asset.address, asset.last_seen = host.address, now
    session.add(asset)
    session.flush()
    existing = {(s.transport, s.port): s for s in session.exec(select(Service).where(Service.asset_id == asset.id))}
    seen: set[tuple[str, int]] = set()
    for record in host.services:
        key = (record.transport, record.port)
        seen.add(key)
        service = existing.get(key) or Service(asset_id=asset.id, transport=record.transport, port=record.port)
        service.name, service.tls, service.open, service.last_seen = record.name, record.tls, True, now
        service.banner = printable_banner(record.banner, limit=1000)
        session.add(service)
        session.flush()
        for attempt in record.attempts:
            session.add(
                Observation(
                    scan_id=scan_id,
                    asset_id=asset.id,
                    service_id=service.id,
                    probe=attempt.probe,
                    status=attempt.status.value,
                    reason=attempt.reason,
                    facts=to_json(attempt.facts) if attempt.facts is not None else {},
                )
            )
    for key, service in existing.items():
        if key in scanned_ports and key not in seen and service.open:
            service.open = False
            session.add(service)
    return asset
