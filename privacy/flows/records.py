"""Keep what a capture learnt: a `dataflow` observation per device for the checks, and DataFlow rows for the DPO.

The device a flow belongs to is its sender; a broker subscription sees no sender, so the broker holds it.
"""

import hashlib
import logging
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from muniscan.facts.attempt import AttemptStatus
from muniscan.facts.codec import to_json
from muniscan.facts.flows import DATAFLOW, DataFlowFacts, FlowFact
from muniscan.facts.hosts import HostRecord
from muniscan.facts.mqtt_subscribe import MqttSubscribeFacts
from muniscan.privacy.detection.detector import PersonalDataDetector
from muniscan.privacy.detection.installation_key import key_path, load_or_create_key
from muniscan.privacy.flows.folding import TOPICS_PER_FLOW, FlowAuditor, FlowKey
from muniscan.store.inventory import asset_identity, record_host
from muniscan.store.models import Asset, DataFlow, Observation
from muniscan.store.models.common import utcnow

log = logging.getLogger(__name__)
_detectors: dict[tuple[Path, bool], PersonalDataDetector] = {}
HOST_AUDIT_SECONDS = 10.0  # reading the messages one host's broker sent during a scan


def shared_detector(network_metadata: bool = False) -> PersonalDataDetector:
    """One detector per installation key: building the analyzer costs far more than reading a message.

    `network_metadata` (policy `privacy.scan_network_metadata`) also reads LoRaWAN gateway and tenant metadata.
    """
    path = key_path()
    if (path, network_metadata) not in _detectors:
        _detectors[(path, network_metadata)] = PersonalDataDetector(
            key=load_or_create_key(path), network_metadata=network_metadata
        )
    return _detectors[(path, network_metadata)]


def flow_key(site: str, flow: FlowFact) -> str:
    text = f"{site}|{flow.source}|{flow.destination}|{flow.transport}|{flow.port}"
    return hashlib.sha256(text.encode()).hexdigest()


def device_asset(session: Session, scan_id: int, site: str, address: str) -> Asset:
    """The stored device at this address, or a new one (a sender seen only in traffic)."""
    found = session.exec(select(Asset).where(Asset.site == site, Asset.address == address)).first()
    if found is None:
        found = session.exec(select(Asset).where(Asset.identity == asset_identity(site, address, None))).first()
    return found or record_host(session, scan_id, HostRecord(address, [], alive=True), site, set())


def _merge(existing: dict[str, Any], new: dict[str, Any], limit: int) -> dict[str, Any]:
    merged = {k: list(v) for k, v in existing.items()}
    for category, values in new.items():
        kept = merged.setdefault(category, [])
        kept += [v for v in values if v not in kept][: max(0, limit - len(kept))]
    return merged


def _upsert(session: Session, scan_id: int, site: str, asset: Asset, flow: FlowFact, observed_via: str) -> None:
    key = flow_key(site, flow)
    row = session.exec(select(DataFlow).where(DataFlow.flow_key == key)).first()
    if row is None:
        row = DataFlow(
            flow_key=key, site=site, source=flow.source, destination=flow.destination, transport=flow.transport,
            port=flow.port, protocol=flow.protocol, observed_via=observed_via,
        )  # fmt: skip
    row.asset_id, row.encrypted, row.last_seen, row.last_scan_id = asset.id, flow.encrypted, utcnow(), scan_id
    row.protocol = flow.protocol if flow.protocol != "unknown" else row.protocol
    row.server_name = flow.server_name or row.server_name
    row.messages += flow.messages
    row.byte_count += flow.byte_count
    counts = dict(row.categories)
    for seen in flow.personal_data:
        counts[seen.category] = counts.get(seen.category, 0) + seen.count
    row.categories = counts
    row.samples = _merge(row.samples, {p.category: list(p.samples) for p in flow.personal_data}, 3)
    row.hashes = _merge(row.hashes, {p.category: list(p.hashes) for p in flow.personal_data}, 100)
    row.credentials = sorted(set(row.credentials) | set(flow.credentials))
    row.topics = _merge_topics(row.topics or {}, flow)
    session.add(row)


def _merge_topics(existing: dict[str, Any], flow: FlowFact) -> dict[str, Any]:
    """{masked topic: {messages, categories}} over every capture of the flow, at most TOPICS_PER_FLOW topics."""
    merged = {topic: {"messages": seen["messages"], "categories": list(seen["categories"])}
              for topic, seen in existing.items()}  # fmt: skip
    for seen in flow.topics:
        entry = merged.get(seen.topic)
        if entry is None:
            if len(merged) >= TOPICS_PER_FLOW:
                continue
            entry = merged[seen.topic] = {"messages": 0, "categories": []}
        entry["messages"] += seen.messages
        entry["categories"] = sorted(set(entry["categories"]) | set(seen.categories))
    return merged


def record_flows(session: Session, scan_id: int, site: str, facts: DataFlowFacts, holder: Asset | None = None) -> int:
    """Store flows under their sending device (or `holder`, for flows whose sender is unknown); returns devices."""
    grouped: defaultdict[int, list[FlowFact]] = defaultdict(list)
    for flow in facts.flows:
        if holder is not None and not flow.source:
            asset = holder
        else:
            asset = device_asset(session, scan_id, site, flow.source or flow.destination)
        grouped[asset.id].append(flow)  # type: ignore[index]
        _upsert(session, scan_id, site, asset, flow, facts.observed_via)
    for asset_id, flows in grouped.items():
        observed = to_json(DataFlowFacts(facts.observed_via, tuple(flows)))
        session.add(
            Observation(scan_id=scan_id, asset_id=asset_id, service_id=None, probe=DATAFLOW,
                        status=AttemptStatus.COMPLETED.value, facts=observed)
        )  # fmt: skip
    return len(grouped)


def captured_flows(
    host: HostRecord, detector: PersonalDataDetector, deadline: float | None = None
) -> DataFlowFacts | None:
    """The messages the mqtt_subscribe probe read on this host, folded into flows; None when it read nothing.
    Reading stops at `deadline` or after HOST_AUDIT_SECONDS, whichever comes first."""
    budget = time.monotonic() + HOST_AUDIT_SECONDS
    auditor, seen = FlowAuditor(detector, budget if deadline is None else min(deadline, budget)), False
    for service in host.services:
        for attempt in service.attempts:
            if attempt.probe != "mqtt_subscribe" or attempt.status is not AttemptStatus.COMPLETED:
                continue
            if not isinstance(attempt.facts, MqttSubscribeFacts) or not attempt.facts.subscribed:
                continue
            seen = True
            key = FlowKey("", host.address, service.transport, service.port)
            auditor.flow(key, "mqtts" if attempt.facts.tls else "mqtt", attempt.facts.tls)
            for message in attempt.facts.captured:
                auditor.add_bytes(key, len(message.payload))
                auditor.message(key, message.payload, message.topic)
    return auditor.facts("mqtt_subscribe") if seen else None


def audit_scanned_host(
    session: Session, scan_id: int, site: str, asset: Asset, host: HostRecord, deadline: float | None = None
) -> int:
    """Called by a scan per host: the payloads its probes held in memory are read here (until `deadline`,
    time.monotonic), then dropped."""
    subscribed = any(
        a.probe == "mqtt_subscribe" and isinstance(a.facts, MqttSubscribeFacts) and a.facts.subscribed
        for service in host.services
        for a in service.attempts
    )
    if not subscribed:  # nothing was read: no detector to build, no key to create
        return 0
    detector = shared_detector()
    facts = captured_flows(host, detector, deadline)
    if detector.limits.any:
        log.warning("host %s: %s", host.address, detector.reset_limits().describe())
    return record_flows(session, scan_id, site, facts, holder=asset) if facts else 0
