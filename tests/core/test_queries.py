"""Read models: the latest scan is the newest network scan, not a data-flow audit."""

from muniscan import queries
from muniscan.store import Store
from muniscan.store.models import ScanRun, ScanStatus


def test_latest_scan_skips_flow_audits_and_unfinished_scans(store: Store) -> None:
    with store.session() as session:
        network = ScanRun(policy_name="city", policy_hash="a", status=ScanStatus.COMPLETED.value)
        session.add(network)
        session.add(
            ScanRun(
                policy_name="city",
                policy_hash="a",
                status=ScanStatus.COMPLETED.value,
                counts={"source": "pcap", "flows": 3},
            )
        )
        session.add(ScanRun(policy_name="city", policy_hash="a", status=ScanStatus.INTERRUPTED.value))
        session.commit()
        assert queries.latest_scan(session).id == network.id  # type: ignore[union-attr]


def test_no_scan_yet(store: Store) -> None:
    with store.session() as session:
        assert queries.latest_scan(session) is None
