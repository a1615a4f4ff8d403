"""A flow audit as a scan run: store the flows, then judge them with the normal checks and findings lifecycle."""

from dataclasses import dataclass

from muniscan.checks.judge import Judgement
from muniscan.coverage import ports_record, scope_record
from muniscan.facts.flows import DataFlowFacts
from muniscan.facts.hosts import HostRecord, ServiceRecord
from muniscan.judging import evaluate_scan
from muniscan.policies import Policy, policy_hash
from muniscan.privacy.flows.records import record_flows
from muniscan.store import Store
from muniscan.store.inventory import record_host
from muniscan.store.models import ScanKind, ScanRun, ScanStatus
from muniscan.store.models.common import utcnow


@dataclass
class FlowAuditOutcome:
    scan: ScanRun
    facts: DataFlowFacts
    devices: int
    judgements: list[Judgement]


def store_flow_audit(
    store: Store,
    policy: Policy,
    facts: DataFlowFacts,
    target: str,
    site: str = "default",
    broker: tuple[str, int, bool] | None = None,
) -> FlowAuditOutcome:
    """Record the flows as one scan (for a live capture, `broker` is the address, port and TLS it read from)."""
    with store.session() as session:
        scan = ScanRun(
            kind=ScanKind.CAPTURE.value,
            policy_name=policy.name,
            policy_hash=policy_hash(policy),
            site=site,
            targets=[target],
            scope=scope_record(policy),
            ports=ports_record([broker[1]], []) if broker else {},
            probe_classes=["passive"],
        )
        session.add(scan)
        session.commit()
        holder = None
        if broker is not None:
            address, port, tls = broker
            service = ServiceRecord(port, "mqtts" if tls else "mqtt", tls, b"")
            holder = record_host(session, scan.id, HostRecord(address, [service]), site, set())  # type: ignore[arg-type]
        devices = record_flows(session, scan.id, site, facts, holder=holder)  # type: ignore[arg-type]
        scan.status, scan.finished_at = ScanStatus.COMPLETED.value, utcnow()
        scan.counts = {"source": facts.observed_via, "flows": len(facts.flows), "devices": devices}
        session.add(scan)
        session.commit()
        session.refresh(scan)
    judgements = evaluate_scan(store, scan, policy)
    return FlowAuditOutcome(scan, facts, devices, judgements)
