"""The DPO's privacy report as plain data: data-flow map, personal data by category and device class,
clear-text flows, recipients, dataset verdicts and DPIA triggers, each with its legal reference."""

import re
from collections import Counter, defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlmodel import col, select

from muniscan import __version__
from muniscan.reports import privacy_legal as legal
from muniscan.reports.method import method_for
from muniscan.reports.safe import clean
from muniscan.store import Store
from muniscan.store.db import display_url
from muniscan.store.models import Asset, DataFlow, DatasetAudit, Finding

PRIVACY_CHECKS = ("personal_data_cleartext_transit", "credentials_cleartext_transit", "recipient_not_allowed")
ACTIVE = ("open", "confirmed")
TRACKING_CATEGORIES = ("MAC_ADDRESS", "SE_LICENCE_PLATE", "IMEI", "IMSI")
TRACKING_DISTINCT = 50  # distinct identifiers on one flow before it counts as tracking, not an incident
CAMERA_WORDS = ("camera", "kamera", "cctv")
COUNTER_WORDS = ("people-counter", "people counter", "footfall", "personräknare", "visitor-counter")
SUBSCRIBED = ("mqtt_subscribe", "capture")  # flows muniscan read as a subscriber of the broker
HASHES_KEPT = 100  # keyed hashes a flow keeps per category (privacy.flows.folding): distinct counts stop there
NATIONAL_IDS = {"SE_PERSONNUMMER", "SE_SAMORDNINGSNUMMER"}
LOCATION = {"GPS_COORDINATE", "COORDINATES"}
CLEARTEXT_TRIGGERS = (
    ("national_id_cleartext", NATIONAL_IDS, legal.DPIA_NATIONAL_ID),
    ("location_cleartext", LOCATION, legal.DPIA_LOCATION),
    ("mac_cleartext", {"MAC_ADDRESS"}, legal.DPIA_COUNTER),
)
SPECIAL_TOPIC_WORDS = {
    "care",
    "carealarm",
    "health",
    "hälsa",
    "vård",
    "vard",
    "omsorg",
    "trygghetslarm",
    "medical",
    "patient",
    "medicin",
}


def _roles(row: DataFlow) -> dict[str, str | None]:
    """Who is who on a flow: the sending device, and the broker or server that receives.

    A broker subscription sees no publisher address: the device is then unknown, not the broker; the
    broker is listed once, as broker. Subscribers are the clients that read from the broker (this
    capture, and any other client a pcap shows receiving publications)."""
    mqtt = row.protocol.startswith("mqtt")
    return {
        "device": row.source or None,
        "broker": row.destination if mqtt else None,
        "server": None if mqtt else row.destination,
        "subscriber": "muniscan" if row.observed_via in SUBSCRIBED else None,
    }


def _flow(row: DataFlow, asset: Asset | None) -> dict[str, Any]:
    personal = bool(row.categories)
    references = (legal.CLEARTEXT if personal and not row.encrypted else []) + (
        legal.CREDENTIALS if row.credentials and not row.encrypted else []
    )
    sender_known = bool(row.source)
    return {
        "source": row.source or "",
        "device": (asset.address if asset else row.source) if sender_known else "",
        "device_class": ((asset.device_class if asset else None) if sender_known else None) or "unclassified",
        "roles": _roles(row),
        "topics": [
            {"topic": topic, "messages": seen["messages"], "categories": list(seen["categories"])}
            for topic, seen in sorted((row.topics or {}).items(), key=lambda ts: (-ts[1]["messages"], ts[0]))
        ],
        "destination": row.destination,
        "server_name": row.server_name,
        "port": row.port,
        "transport": row.transport,
        "protocol": row.protocol,
        "encrypted": row.encrypted,
        "observed_via": row.observed_via,
        "messages": row.messages,
        "bytes": row.byte_count,
        "categories": dict(sorted(row.categories.items())),
        "masked_samples": {k: list(v) for k, v in sorted(row.samples.items())},
        "distinct_identifiers": {k: len(v) for k, v in sorted(row.hashes.items())},
        "credentials": list(row.credentials),
        "first_seen": row.first_seen.isoformat(),
        "last_seen": row.last_seen.isoformat(),
        "references": references,
    }


def _by_category(flows: list[dict[str, Any]], hashes: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    """Per category and device class: distinct values (by keyed hash, so one personnummer seen on three
    flows or in three captures counts once), occurrences, and devices."""
    counts: Counter[tuple[str, str]] = Counter()
    devices: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
    values: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
    capped: set[tuple[str, str]] = set()
    for index, f in enumerate(flows):
        for category, count in f["categories"].items():
            key = (category, f["device_class"])
            counts[key] += count
            devices[key].add(f["device"] or "")
            seen = hashes.get(index, {}).get(category, [])
            values[key] |= set(seen)
            if len(seen) >= HASHES_KEPT:
                capped.add(key)
    return [
        {"category": category, "device_class": device_class, "distinct": len(values[(category, device_class)]),
         "distinct_capped": (category, device_class) in capped, "count": count,
         "devices": len(devices[(category, device_class)]), "references": legal.category_references(category)}
        for (category, device_class), count in sorted(counts.items())
    ]  # fmt: skip


def _recipients(flows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    grouped: dict[str, dict[str, Any]] = {}
    for f in flows:
        if not f["categories"]:
            continue
        entry = grouped.setdefault(
            f["destination"],
            {"destination": f["destination"], "role": "broker" if f["roles"]["broker"] else "server",
             "server_name": f["server_name"], "categories": set(), "devices": set(), "encrypted": True,
             "references": legal.RECIPIENT},
        )  # fmt: skip
        entry["categories"] |= set(f["categories"])
        if f["device"]:
            entry["devices"].add(f["device"])
        entry["encrypted"] = entry["encrypted"] and f["encrypted"]
        entry["server_name"] = entry["server_name"] or f["server_name"]
    return [
        {**e, "categories": sorted(e["categories"]), "devices": sorted(e["devices"])}
        for e in sorted(grouped.values(), key=lambda e: e["destination"])
    ]


def _traces(stored: dict[str, Any] | None) -> dict[str, Any] | None:
    """Trace uniqueness at the data's own resolution, from the stored audit: the worst share of
    pseudonyms singled out by 1..4 of their own points, and the coarsening that would help."""
    if not stored or not stored.get("levels"):
        return None
    shares = [u["share"] for u in stored["levels"][0]["unicity"] if u.get("share") is not None]
    worst = max(shares, default=0.0)
    return {
        "pseudonym": stored["pseudonym"],
        "pseudonyms": stored["pseudonyms"],
        "singled_out": worst,
        "unique": worst > stored.get("threshold", 0.0),
        "suggestion": stored.get("suggestion"),
    }


def _generalisation(stored: dict[str, Any] | None) -> dict[str, Any] | None:
    """The suggested generalisation from the stored audit: each coarsened column's level, and the k it gives."""
    if not stored:
        return None
    levels = {c["column"]: c["level"] for c in stored["columns"] if c["level"]}
    return {"k_target": stored["k_target"], "reachable": stored["reachable"], "levels": levels, "k": stored["k"]}


def _latest_per_file(rows: list[DatasetAudit]) -> list[tuple[DatasetAudit, list[DatasetAudit]]]:
    """The latest audit of each file (by path) with the earlier ones, newest first, folded beneath it."""
    by_path: dict[str, list[DatasetAudit]] = {}
    for row in sorted(rows, key=lambda r: (r.audited_at, r.id or 0)):
        by_path.setdefault(row.path, []).append(row)
    return [(audits[-1], audits[-2::-1]) for _, audits in sorted(by_path.items())]


def _datasets(rows: list[DatasetAudit]) -> list[dict[str, Any]]:
    out = []
    for row, earlier in _latest_per_file(rows):
        report = row.report
        reversal = report.get("hash_reversal") or {}
        mac_hashes = any("mac" in column.lower() for column in reversal) or any(
            "MAC" in str(f.get("category")) for f in report.get("direct_identifiers", [])
        )
        anonymity = report.get("anonymity") or {}
        verdicts = report.get("verdicts", [])
        out.append({
            "file": row.path.rsplit("/", 1)[-1],
            "sha256": row.sha256[:16],
            "records": row.rows,
            "verdict": row.verdict,
            "risks": {v["risk"]: {"present": v["present"], "reasons": v["reasons"], "codes": v.get("codes") or []}
                      for v in verdicts},
            "unit": report.get("unit", "records"),
            "k": anonymity.get("k"),
            "sample_uniques": anonymity.get("sample_uniques"),
            "sample_unique_share": anonymity.get("sample_unique_share"),
            "hashes_reversed": {c: f"{r['reversed_hashes']}/{r['distinct_hashes']}" for c, r in reversal.items()},
            "traces": _traces(report.get("trajectory")),
            "generalisation": _generalisation(report.get("generalisation")),
            "audited_at": row.audited_at.isoformat(),
            "history": [{"audited_at": e.audited_at.isoformat(), "verdict": e.verdict, "sha256": e.sha256[:16]}
                        for e in earlier],
            "references": legal.DATASET + (legal.DATASET_MAC if mac_hashes else []),
        })  # fmt: skip
    return out


def _tracks(dataset: dict[str, Any]) -> bool:
    """A dataset tracks people when its pseudonyms were reversed or their traces single them out."""
    return bool(dataset["hashes_reversed"] or (dataset["traces"] and dataset["traces"]["unique"]))


def _dpia(flows: list[dict[str, Any]], assets: list[Asset], datasets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Art. 35 triggers the store can see; a DPIA may still be needed for reasons it cannot."""
    triggers = []
    cameras = sorted(a.address for a in assets if any(w in (a.device_class or "").lower() for w in CAMERA_WORDS))
    counters = sorted(a.address for a in assets if any(w in (a.device_class or "").lower() for w in COUNTER_WORDS))
    if cameras:
        triggers.append({"trigger": "camera", "devices": cameras, "references": legal.DPIA_CAMERA})
    if counters:
        triggers.append({"trigger": "people_counter", "devices": counters, "references": legal.DPIA_COUNTER})
    tracking = sorted({
        f["device"] or "" for f in flows
        if any(f["distinct_identifiers"].get(c, 0) >= TRACKING_DISTINCT for c in TRACKING_CATEGORIES)
    } | {f"dataset:{d['file']}" for d in datasets if d["verdict"] != "anonymous" and _tracks(d)})  # fmt: skip
    if tracking:
        triggers.append({"trigger": "tracking", "devices": tracking, "references": legal.DPIA_TRACKING})
    triggers.extend(_cleartext_triggers(flows))
    return [{"flows": [], **t} for t in triggers]


def _flow_ref(f: dict[str, Any], topic: str | None = None) -> tuple[str, str, int, str | None]:
    """(device, destination, port, topic) of a flow carrying a trigger; the device is empty when a broker
    subscription cannot tell who published."""
    return (f["device"], f["destination"], f["port"], topic)


def _refs(refs: set[tuple[str, str, int, str | None]]) -> list[dict[str, Any]]:
    return [
        {"device": d, "destination": dst, "port": port, "topic": topic}
        for d, dst, port, topic in sorted(refs, key=lambda r: (r[0], r[1], r[2], r[3] or ""))
    ]


def _carries(f: dict[str, Any], categories: set[str]) -> list[tuple[str, str, int, str | None]]:
    """The flow's topics that carry one of the categories, or the flow itself when no topic is known."""
    topics = [t["topic"] for t in f["topics"] if set(t["categories"]) & categories]
    return [_flow_ref(f, t) for t in topics] or [_flow_ref(f)]


def _special(f: dict[str, Any]) -> bool:
    """Personal data on a topic whose words say care or health (Art. 9): an alarm names who needs care."""
    return any(set(t["categories"]) and set(re.split(r"[/_\-.]", t["topic"].lower())) & SPECIAL_TOPIC_WORDS
               for t in f["topics"])  # fmt: skip


def _cleartext_triggers(flows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """DPIA triggers that traffic shows: national ids, location traces, MAC addresses and special-category data
    sent unencrypted, each with the flows (and MQTT topics) that carry them."""
    clear = [f for f in flows if f["categories"] and not f["encrypted"]]
    triggers = []
    for trigger, categories, references in CLEARTEXT_TRIGGERS:
        carrying = [f for f in clear if set(f["categories"]) & categories]
        if carrying:
            triggers.append({"trigger": trigger, "devices": sorted({f["device"] for f in carrying if f["device"]}),
                             "flows": _refs({ref for f in carrying for ref in _carries(f, categories)}),
                             "references": references})  # fmt: skip
    special = [f for f in clear if _special(f)]
    if special:
        triggers.append({"trigger": "special_category_cleartext",
                         "devices": sorted({f["device"] for f in special if f["device"]}),
                         "flows": _refs({_flow_ref(f, t["topic"]) for f in special for t in f["topics"]
                                         if set(t["categories"]) and set(re.split(r"[/_\-.]", t["topic"].lower()))
                                         & SPECIAL_TOPIC_WORDS}),
                         "references": legal.DPIA_SPECIAL})  # fmt: skip
    return triggers


def build_privacy_report(store: Store) -> dict[str, Any]:
    with store.session() as session:
        rows = session.exec(select(DataFlow).order_by(col(DataFlow.source), col(DataFlow.destination))).all()
        assets = session.exec(select(Asset)).all()
        audits = session.exec(select(DatasetAudit).order_by(col(DatasetAudit.audited_at))).all()
        findings = session.exec(
            select(Finding).where(col(Finding.check_id).in_(PRIVACY_CHECKS), col(Finding.status).in_(ACTIVE))
        ).all()
    by_id = {a.id: a for a in assets}
    flows = [_flow(r, by_id.get(r.asset_id)) for r in rows]
    hashes = {index: dict(r.hashes) for index, r in enumerate(rows)}
    datasets = _datasets(list(audits))
    address_of = {a.id: a.address for a in assets}
    report = {
        "report": "privacy",
        "schema_version": "1",
        "generator": f"muniscan {__version__}",
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "store": display_url(store.url),
        "summary": {
            "flows": len(flows),
            "flows_with_personal_data": sum(1 for f in flows if f["categories"]),
            "cleartext_personal_data": sum(1 for f in flows if f["categories"] and not f["encrypted"]),
            "cleartext_credentials": sum(1 for f in flows if f["credentials"] and not f["encrypted"]),
            "recipients": len({f["destination"] for f in flows if f["categories"]}),
            "datasets": len(datasets),
            "dataset_audits": len(audits),
            "findings": len(findings),
        },
        "flows": flows,
        "categories": _by_category(flows, hashes),
        "cleartext": [f for f in flows if (f["categories"] or f["credentials"]) and not f["encrypted"]],
        "recipients": _recipients(flows),
        "datasets": datasets,
        "dpia": _dpia(flows, list(assets), datasets),
        "method": method_for(store),
        "findings": [
            {
                "check_id": f.check_id,
                "title": f.title,
                "severity": f.severity,
                "status": f.status,
                "address": address_of.get(f.asset_id, ""),
                "evidence": f.evidence,
            }
            for f in sorted(findings, key=lambda f: (f.check_id, address_of.get(f.asset_id, "")))
        ],
    }
    return clean(report)
