"""The procurement report as plain data: the device's stored verdicts judged against requirements.

It reads only the store (observe once, evaluate many): a changed declaration or requirement file
is re-judged without scanning the device again.
"""

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlmodel import col, select

from muniscan import __version__
from muniscan.coverage import PortCoverage
from muniscan.policies import Policy, policy_hash
from muniscan.procurement.absence import Coverage
from muniscan.procurement.judge import judge_all, overall
from muniscan.procurement.model import Declaration, RequirementsFile
from muniscan.reports.method import method_for
from muniscan.reports.safe import clean
from muniscan.scanner.engine import ScanPlan
from muniscan.store import Store
from muniscan.store.models import Asset, Evaluation, Finding, Observation, ScanRun, ScanStatus, Service

REPORT_SCHEMA_VERSION = "1"


class NoScanOfDevice(LookupError):
    """The store holds no evaluated scan of the device; run `muniscan procure test` first."""


PROCUREMENT_SITE = "procurement"  # samples are kept apart from the production inventory


def device_verdicts(store: Store, address: str, site: str = PROCUREMENT_SITE) -> tuple[dict[str, Any], dict[str, list]]:
    """The device and, per check, the verdicts of the latest scan that judged it."""
    with store.session() as session:
        asset = session.exec(select(Asset).where(Asset.address == address, Asset.site == site)).first()
        if asset is None:
            raise NoScanOfDevice(f"no device {address} on site {site} in the store; run `muniscan procure test` first")
        scan_id = session.exec(
            select(Evaluation.scan_id).where(Evaluation.asset_id == asset.id).order_by(col(Evaluation.scan_id).desc())
        ).first()
        if scan_id is None:
            raise NoScanOfDevice(f"device {address} has no evaluated scan; run `muniscan procure test` first")
        ports = {s.id: s.port for s in session.exec(select(Service).where(Service.asset_id == asset.id))}
        verdicts: dict[str, list[dict[str, Any]]] = {}
        for e in session.exec(select(Evaluation).where(Evaluation.scan_id == scan_id, Evaluation.asset_id == asset.id)):
            verdicts.setdefault(e.check_id, []).append(
                {"verdict": e.verdict, "port": ports.get(e.service_id), "evidence": e.evidence}
            )
        findings = [
            {
                "check_id": f.check_id,
                "title": f.title,
                "severity": f.severity,
                "status": f.status,
                "port": ports.get(f.service_id),
                "evidence": f.evidence,
            }
            for f in session.exec(select(Finding).where(Finding.asset_id == asset.id, Finding.last_scan_id == scan_id))
        ]
        probes_completed = set(
            session.exec(
                select(Observation.probe).where(
                    Observation.scan_id == scan_id, Observation.asset_id == asset.id, Observation.status == "completed"
                )
            )
        )
        device = {
            "address": asset.address,
            "site": asset.site,
            "vendor": asset.vendor,
            "model": asset.model,
            "firmware": asset.firmware,
            "device_class": asset.device_class,
            "scan_id": scan_id,
            "services": [f"{s.transport}/{s.port} {s.name}" for s in session.exec(
                select(Service).where(Service.asset_id == asset.id, Service.open == True)  # noqa: E712
            )],
            "findings": findings,
            "probes_completed": sorted(probes_completed),
        }  # fmt: skip
    return device, verdicts


def _coverage(device: dict[str, Any], ports: dict[str, frozenset[int]] | None) -> Coverage:
    open_services = frozenset(name.split(" ", 1)[1] for name in device["services"] if " " in name)
    return Coverage(device["scan_id"], ports, open_services, frozenset(device["probes_completed"]))


def ports_scanned(store: Store, scan_id: int, address: str, policy: Policy | None) -> dict[str, frozenset[int]] | None:
    """The ports discovery probed on the device in that completed scan, as the scan recorded them; for a scan
    from before coverage was recorded, known only when it ran under exactly this policy (same content hash),
    since the ports then come from the policy. None when unknown."""
    with store.session() as session:
        scan = session.get(ScanRun, scan_id)
    if scan is None or scan.status != ScanStatus.COMPLETED.value:
        return None
    if scan.ports:
        covered = PortCoverage.of(scan)
        return {"tcp": covered.tcp, "udp": covered.udp}
    if policy is None or scan.policy_hash != policy_hash(policy):
        return None
    plan = ScanPlan.build(policy, [address])  # no packet: the plan only reads the policy
    return {"tcp": frozenset(plan.tcp_ports), "udp": frozenset(plan.udp_ports)}


def build_procurement_report(
    store: Store,
    address: str,
    requirements: RequirementsFile,
    declaration: Declaration,
    site: str = PROCUREMENT_SITE,
    scan_policy: Policy | None = None,
) -> dict[str, Any]:
    """`scan_policy`: the policy the sample was scanned under; only when it is known (and matches the scan) does
    the absence of a forbidden service count as evidence that it is not there."""
    device, verdicts = device_verdicts(store, address, site)
    ports = ports_scanned(store, device["scan_id"], address, scan_policy)
    device["ports_scanned"] = {t: ",".join(map(str, sorted(p))) for t, p in ports.items()} if ports else None
    results = judge_all(requirements, declaration, verdicts, _coverage(device, ports))
    return clean(
        {
            "report": "procurement",
            "schema_version": REPORT_SCHEMA_VERSION,
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "generator": f"muniscan {__version__}",
            "requirements_file": {"name": requirements.name, "version": requirements.version},
            "device": device,
            "declaration": declaration.model_dump(mode="json"),
            "overall": overall(results),
            "counts": {
                v: Counter(r["verdict"] for r in results).get(v, 0)
                for v in ("pass", "fail", "conditional", "not_assessed")
            },
            "requirements": results,
            "method": method_for(store, scan_id=device["scan_id"]),
        }
    )
