"""Findings lifecycle: a scan opens, refreshes, fixes and reopens; it never overrides a person."""

from datetime import timedelta

from sqlmodel import select

from muniscan.checks.judge import Judgement
from muniscan.checks.model import failed, passed, unknown
from muniscan.checks.registry import load_checks
from muniscan.checks.views import AssetView, ServiceView
from muniscan.lifecycle import apply
from muniscan.policies import load_profile
from muniscan.store import Store
from muniscan.store.models import Asset, Finding, FindingEvent, RiskAcceptance, ScanRun, Service
from muniscan.store.models.common import utcnow

POLICY = load_profile()
TELNET = next(c for c in load_checks() if c.id == "telnet_management_plaintext")


def seed(store: Store) -> tuple[AssetView, ServiceView]:
    with store.session() as session:
        asset = Asset(identity="ip:default:127.77.0.10", address="127.77.0.10")
        session.add(asset)
        session.flush()
        service = Service(asset_id=asset.id, port=2323, name="telnet")
        session.add(service)
        session.commit()
    service_view = ServiceView("127.77.0.10", "tcp", 2323, "telnet", False, "", service_id=service.id)
    return AssetView("127.77.0.10", asset.identity, (service_view,), asset_id=asset.id), service_view


def scan_with(store: Store, asset: AssetView, service: ServiceView, result) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with store.session() as session:
        scan = ScanRun(policy_name=POLICY.name, policy_hash="test")
        session.add(scan)
        session.flush()
        counts = apply(session, scan, [Judgement(TELNET, asset, service, result)], POLICY)
        session.commit()
    return dict(counts)


def the_finding(store: Store) -> Finding:
    with store.session() as session:
        return session.exec(select(Finding)).one()


def set_status(store: Store, status: str, expires_in: timedelta | None = None) -> None:
    with store.session() as session:
        finding = session.exec(select(Finding)).one()
        finding.status = status
        session.add(finding)
        if expires_in is not None:
            session.add(
                RiskAcceptance(
                    finding_id=finding.id, reason="compensating VLAN", approver="ciso", expires_at=utcnow() + expires_in
                )
            )
        session.commit()


def test_open_refresh_fix_reopen(store: Store) -> None:
    asset, service = seed(store)
    assert scan_with(store, asset, service, failed(port=2323))["new"] == 1
    assert the_finding(store).status == "open"
    assert scan_with(store, asset, service, failed(port=2323))["unchanged"] == 1
    assert scan_with(store, asset, service, unknown("timeout"))["fixed"] == 0  # no evidence, no change
    assert the_finding(store).status == "open"
    assert scan_with(store, asset, service, passed())["fixed"] == 1
    assert the_finding(store).status == "fixed"
    assert scan_with(store, asset, service, failed(port=2323))["reopened"] == 1
    assert the_finding(store).status == "open"
    with store.session() as session:
        kinds = [e.kind for e in session.exec(select(FindingEvent).order_by(FindingEvent.id))]
    assert kinds == ["opened", "not_rechecked", "fixed", "reopened"]  # the undecided scan is on record


def test_a_scan_never_overrides_acceptance_or_false_positive(store: Store) -> None:
    asset, service = seed(store)
    scan_with(store, asset, service, failed())
    set_status(store, "accepted", expires_in=timedelta(days=30))
    scan_with(store, asset, service, failed())
    assert the_finding(store).status == "accepted"
    scan_with(store, asset, service, passed())
    assert the_finding(store).status == "accepted"
    set_status(store, "false_positive")
    scan_with(store, asset, service, failed())
    assert the_finding(store).status == "false_positive"


def test_an_expired_acceptance_reopens(store: Store) -> None:
    asset, service = seed(store)
    scan_with(store, asset, service, failed())
    set_status(store, "accepted", expires_in=timedelta(seconds=-1))
    counts = scan_with(store, asset, service, failed())
    assert counts["reopened"] == 1
    assert the_finding(store).status == "open"


def test_a_device_that_did_not_answer_fixes_nothing(store: Store) -> None:
    asset, service = seed(store)
    scan_with(store, asset, service, failed())
    offline = AssetView(asset.address, asset.identity, (), asset_id=asset.asset_id)
    with store.session() as session:
        scan = ScanRun(policy_name=POLICY.name, policy_hash="test")
        session.add(scan)
        session.flush()
        counts = apply(session, scan, [], POLICY)
        session.commit()
    assert counts["fixed"] == 0 and offline.services == ()
    assert the_finding(store).status == "open"
