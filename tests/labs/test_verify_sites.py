"""`lab verify` of a lab spread over sites scores every site's latest scan, not only the newest scan overall."""

from pathlib import Path

from muniscan.labs.generate import generated_yaml, site_of
from muniscan.labs.topology import load_topology
from muniscan.labs.verify import score_lab
from muniscan.store import Store
from muniscan.store.models import Asset, Finding, Observation, ScanRun


def test_every_sites_latest_scan_is_scored(store: Store, tmp_path: Path) -> None:
    topology = tmp_path / "city.yaml"
    topology.write_text(generated_yaml(12, 5, "city-verify", sites=3), encoding="utf-8")
    devices = load_topology(str(topology)).devices
    with store.session() as session:
        old = ScanRun(policy_name="p", policy_hash="h", site="site-1", status="completed")
        session.add(old)
        session.commit()
        scans = {}
        for site in ("site-1", "site-2", "site-3"):  # each site's agent scans later than the old scan
            scans[site] = ScanRun(policy_name="p", policy_hash="h", site=site, status="completed")
            session.add(scans[site])
        session.commit()
        for n, device in enumerate(devices):
            site = site_of(device.address)
            assert site is not None
            asset = Asset(identity=f"ip:{site}:{device.address}", site=site, address=device.address)
            session.add(asset)
            session.commit()
            session.add(Observation(scan_id=scans[site].id, asset_id=asset.id, probe="tcp", status="completed"))  # type: ignore[arg-type]
            for check in device.expected_findings:
                if n == 0 and site == "site-1":
                    continue  # one miss, in the first site
                session.add(
                    Finding(
                        fingerprint=f"{check}:{device.address}",
                        check_id=check,
                        asset_id=asset.id,  # type: ignore[arg-type]
                        title=check,
                        severity="high",
                        last_scan_id=scans[site].id,
                    )
                )
        session.commit()
    score = score_lab(store, str(topology))
    expected = sum(len(d.expected_findings) for d in devices)
    missed = len(devices[0].expected_findings)
    assert score.expected == expected and score.true_positives == expected - missed
    assert {m.address for m in score.misses} == ({devices[0].address} if missed else set())
    assert score.scan_id == scans["site-3"].id
