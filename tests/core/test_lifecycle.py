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


UNEXPECTED = next(c for c in load_checks() if c.id == "unexpected_open_ports")


def run_judging(store: Store, judgements, ports: dict[str, str] | None = None, closed: int | None = None):  # type: ignore[no-untyped-def]
    """One run with the given port coverage; `closed` names a port the run found closed on the seeded asset."""
    from muniscan.store.models import AssetEvent

    with store.session() as session:
        scan = ScanRun(policy_name=POLICY.name, policy_hash="test", ports=ports or {})
        session.add(scan)
        session.flush()
        if closed is not None:
            asset = session.exec(select(Asset)).first()
            session.add(
                AssetEvent(
                    asset_id=asset.id, scan_id=scan.id, kind="port_closed", detail={"transport": "tcp", "port": closed}
                )  # type: ignore[union-attr]
            )
        counts = apply(session, scan, judgements, POLICY)
        session.commit()
        return scan.id, dict(counts)


def test_a_check_that_did_not_run_leaves_the_finding_open_and_says_so(store: Store) -> None:
    from muniscan.checks.model import not_applicable

    asset, service = seed(store)
    first, _ = run_judging(store, [Judgement(TELNET, asset, service, failed(port=2323))])
    later, counts = run_judging(store, [Judgement(TELNET, asset, service, not_applicable())])
    assert (counts["fixed"], counts["not_rechecked"]) == (0, 1)
    finding = the_finding(store)
    assert (finding.status, finding.last_scan_id, finding.unchecked_scan_id) == ("open", first, later)
    run_judging(store, [Judgement(TELNET, asset, service, not_applicable())])
    with store.session() as session:
        kinds = [e.kind for e in session.exec(select(FindingEvent).order_by(FindingEvent.id))]
    assert kinds == ["opened", "not_rechecked"]  # one history line per stretch, not one per run


def test_a_port_the_run_found_closed_fixes_its_finding(store: Store) -> None:
    asset, service = seed(store)
    run_judging(store, [Judgement(TELNET, asset, service, failed(port=2323))])
    still_there = AssetView(asset.address, asset.identity, (), asset_id=asset.asset_id)
    other = next(c for c in load_checks() if c.id == "segmentation_zone_reachable")
    from muniscan.checks.model import not_applicable

    _, counts = run_judging(store, [Judgement(other, still_there, None, not_applicable())], closed=2323)
    assert counts["fixed"] == 1 and the_finding(store).status == "fixed"


def test_a_pass_over_fewer_ports_does_not_fix_a_finding_about_other_ports(store: Store) -> None:
    asset, _ = seed(store)
    found = failed(device_class="street-light-controller", unexpected=["tcp/2323"], allowed=["tcp/443"])
    run_judging(store, [Judgement(UNEXPECTED, asset, None, found)], ports={"tcp": "1-65535"})
    narrow = passed(device_class="street-light-controller", open=["tcp/443"])
    _, counts = run_judging(store, [Judgement(UNEXPECTED, asset, None, narrow)], ports={"tcp": "443"})
    assert counts["fixed"] == 0 and the_finding(store).status == "open"
    _, counts = run_judging(store, [Judgement(UNEXPECTED, asset, None, narrow)], ports={"tcp": "1-9000"})
    assert counts["fixed"] == 1 and the_finding(store).status == "fixed"  # 2323 was probed and is gone
