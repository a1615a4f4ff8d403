"""Given successive scans of a site, the inventory records new, offline, back-online, firmware and port changes."""

from sqlmodel import Session, select

from muniscan.facts.hosts import HostRecord, ServiceRecord
from muniscan.fingerprinting import apply_identity
from muniscan.scanner.fingerprint import facts_from_observations, identify, load_rules
from muniscan.store import Store
from muniscan.store.inventory import mark_offline, record_host
from muniscan.store.models import Asset, AssetEvent, ScanRun, Service

SCANNED = {("tcp", 23), ("tcp", 80), ("tcp", 443)}


def _scan(session: Session) -> int:
    scan = ScanRun(policy_name="test", policy_hash="x")
    session.add(scan)
    session.flush()
    return scan.id  # type: ignore[return-value]


def _host(address: str, *ports: int, mac: str | None = None) -> HostRecord:
    return HostRecord(address, [ServiceRecord(p, "unknown", False, b"") for p in ports], mac=mac)


def _kinds(session: Session) -> list[tuple[str, dict]]:
    return [(e.kind, e.detail) for e in session.exec(select(AssetEvent).order_by(AssetEvent.id))]


def test_a_device_lifecycle_is_told_as_events(store: Store) -> None:
    with store.session() as session:
        first = _scan(session)
        record_host(session, first, _host("10.9.0.5", 23, 80), "north", SCANNED)
        session.commit()
        assert _kinds(session) == [("new_device", {"address": "10.9.0.5", "ports": ["23/tcp", "80/tcp"]})]

        second = _scan(session)
        record_host(session, second, _host("10.9.0.5", 80, 443), "north", SCANNED)
        session.commit()
        assert _kinds(session)[1:] == [
            ("port_opened", {"transport": "tcp", "port": 443}),
            ("port_closed", {"transport": "tcp", "port": 23}),
        ]

        third = _scan(session)
        assert mark_offline(session, third, "north", ["10.9.0.5", "10.9.0.6"], answering=set()) == 1
        session.commit()
        fourth = _scan(session)
        record_host(session, fourth, _host("10.9.0.5", 80, 443), "north", SCANNED)
        session.commit()
        assert [k for k, _ in _kinds(session)[3:]] == ["went_offline", "back_online"]
        assert session.exec(select(Asset)).one().online is True


def test_overlapping_private_ranges_stay_apart_by_site(store: Store) -> None:
    with store.session() as session:
        scan = _scan(session)
        record_host(session, scan, _host("192.168.1.10", 80), "school", SCANNED)
        record_host(session, scan, _host("192.168.1.10", 80), "library", SCANNED)
        session.commit()
        assert sorted(a.identity for a in session.exec(select(Asset))) == [
            "ip:library:192.168.1.10",
            "ip:school:192.168.1.10",
        ]
        assert mark_offline(session, scan, "school", ["192.168.1.10"], answering=set()) == 1
        assert [a.online for a in session.exec(select(Asset).order_by(Asset.site))] == [True, False]


def test_a_device_first_seen_by_address_keeps_its_history_when_its_mac_is_learnt(store: Store) -> None:
    with store.session() as session:
        scan = _scan(session)
        record_host(session, scan, _host("10.9.0.7", 80), "north", SCANNED)
        record_host(session, _scan(session), _host("10.9.0.7", 80, mac="B8:27:EB:00:00:07"), "north", SCANNED)
        session.commit()
        asset = session.exec(select(Asset)).one()
        assert asset.identity == "mac:b8:27:eb:00:00:07"
        assert len(session.exec(select(Service)).all()) == 1


def test_a_new_firmware_version_is_an_event(store: Store) -> None:
    rules = load_rules()

    class Row:
        def __init__(self, text: str) -> None:
            self.probe, self.status, self.facts = "http", "completed", {"server": text}

    with store.session() as session:
        scan = _scan(session)
        asset = record_host(session, scan, _host("10.9.0.8", 443), "north", SCANNED)
        for version in ("4.10.1", "4.10.1", "4.13.2"):
            identity = identify(facts_from_observations([Row(f"Niagara Web Server/{version}")]), rules)
            apply_identity(session, asset, identity, scan)
        session.commit()
        assert (asset.vendor, asset.firmware, asset.device_class) == ("Tridium", "4.13.2", "building-management")
        assert asset.identity_evidence["vendor"]["evidence"][0]["rule"] == "niagara-http-server"
        changes = [d for k, d in _kinds(session) if k == "firmware_changed"]
        assert changes == [{"old": "4.10.1", "new": "4.13.2"}]
