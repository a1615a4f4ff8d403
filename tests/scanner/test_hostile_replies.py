"""Given devices that flood, drip, slam, lie or stay silent, a scan still ends, each attempt with a reason."""

import time
from pathlib import Path

from sqlmodel import select

from muniscan.pipeline import run_scan
from muniscan.policies.schema import Policy
from muniscan.store import Store
from muniscan.store.models import Observation, ScanStatus, Service

HOSTILE_ADDRESS = "127.77.12.21"  # where tests/scanner/conftest.py runs its misbehaving servers


def _policy(ports: dict[str, list[int]]) -> Policy:
    return Policy.model_validate(
        {
            "name": "hostile-test",
            "scope": {"include": [HOSTILE_ADDRESS], "never_touch_ports": ["2024"]},
            "discovery": {"tcp_ports": ports["tcp"], "udp_ports": ports["udp"]},
            "rate": {"connect_timeout": 1, "read_timeout": 1, "retries": 1},
            "probes": {"mqtt_subscribe_seconds": 0},
        }
    )


def test_a_scan_of_hostile_services_ends_in_time_and_explains_every_attempt(
    hostile: dict[str, list[int]], tmp_path: Path
) -> None:
    store = Store(f"sqlite:///{tmp_path / 'hostile.sqlite'}")
    started = time.monotonic()
    outcome = run_scan(store, _policy(hostile), [])
    elapsed = time.monotonic() - started
    assert outcome.scan.status == ScanStatus.COMPLETED.value
    assert elapsed < 90, f"the scan took {elapsed:.0f}s"
    with store.session() as session:
        services = session.exec(select(Service)).all()
        observations = session.exec(select(Observation)).all()
    assert {s.port for s in services if s.transport == "tcp"} >= {2323, 8080, 1883, 21, 443, 80}
    assert all("\x1b" not in s.banner and "\x07" not in s.banner for s in services)
    assert all(len(s.banner) <= 1024 for s in services)
    for row in observations:
        assert row.status in ("completed", "error", "not_applicable")
        if row.status == "error":
            assert row.reason, f"{row.probe} on port {row.service_id} failed without a reason"
    bugs = [(o.probe, o.reason) for o in observations if (o.reason or "").startswith("bug:")]
    assert bugs == [], f"probes crashed on hostile input: {bugs}"
