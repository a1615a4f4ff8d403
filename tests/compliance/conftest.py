"""Stored scans built from fact rows, as a scan would have stored them: no network needed."""

from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import select

from muniscan.store import Store
from muniscan.store.models import Asset, Observation, ScanRun, ScanStatus, Service

TELNET = {"banner": {"text": "login:", "size": 6, "head_hex": "fffb01"}}
CLEAN_HTTPS = {"tls": {"versions_accepted": ["1.2", "1.3"], "versions_refused": ["1.0", "1.1"]}}
LEGACY_HTTPS = {"tls": {"versions_accepted": ["1.0", "1.2"], "versions_refused": ["1.1", "1.3"]}}
TLS_TIMEOUT = {"tls": "error"}

Devices = dict[str, dict[int, dict[str, Any]]]


def store_scan(store: Store, devices: Devices, site: str = "lab") -> ScanRun:
    """One completed scan; `devices` maps address -> port -> probe -> facts (or "error")."""
    with store.session() as session:
        scan = ScanRun(policy_name="seed", policy_hash="seed", site=site, status=ScanStatus.COMPLETED.value)
        session.add(scan)
        session.flush()
        for address, ports in devices.items():
            identity = f"ip:{site}:{address}"
            asset = session.exec(select(Asset).where(Asset.identity == identity)).first()
            if asset is None:
                asset = Asset(identity=identity, site=site, address=address)
                session.add(asset)
                session.flush()
            for port, probes in ports.items():
                service = session.exec(
                    select(Service).where(Service.asset_id == asset.id, Service.port == port)
                ).first() or Service(asset_id=asset.id, port=port)
                session.add(service)
                session.flush()
                for probe, facts in probes.items():
                    failed = facts == "error"
                    session.add(
                        Observation(
                            scan_id=scan.id,
                            asset_id=asset.id,
                            service_id=service.id,
                            probe=probe,
                            status="error" if failed else "completed",
                            reason="timeout: no answer in time" if failed else None,
                            facts={} if failed else facts,
                        )
                    )
        session.commit()
    return scan


@pytest.fixture
def seed(store: Store) -> Callable[..., ScanRun]:
    return lambda devices, site="lab": store_scan(store, devices, site)
