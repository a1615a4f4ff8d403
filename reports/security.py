"""The security report's content as plain data: one builder, every format renders the same facts.

Untrusted strings (banners, evidence) are cleaned here once; renderers still escape for their format.
"""

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from muniscan import __version__, queries
from muniscan.checks.registry import load_checks
from muniscan.estate import view_of
from muniscan.reports.coverage import enisa_coverage
from muniscan.reports.history import SEVERITIES, baseline_states, decisions, severity_history
from muniscan.reports.method import method_section
from muniscan.reports.safe import clean
from muniscan.store import Store
from muniscan.store.db import display_url
from muniscan.store.models import ScanKind

REPORT_SCHEMA_VERSION = "3"
ACTIVE = ("open", "confirmed")
TOP_RISKS = 5


def _rank(finding: dict[str, Any]) -> tuple[int, float, str]:
    return (SEVERITIES.index(finding["severity"]), -finding["confidence"], finding["address"])


def endpoint(address: str, transport: str | None, port: int | None) -> str:
    """A network location as a URI, e.g. tcp://127.77.0.10:2323 (an asset alone is host://address)."""
    host = f"[{address}]" if ":" in address else address
    return f"{transport or 'tcp'}://{host}:{port}" if port is not None else f"host://{host}"


def _rules() -> list[dict[str, Any]]:
    return [
        {
            "id": c.id,
            "title": c.meta.title,
            "severity": c.meta.severity.value,
            "intrusiveness": c.meta.intrusiveness.value,
            "rationale": c.meta.rationale,
            "remediation": c.meta.remediation,
            "enisa": list(c.meta.enisa),
            "etsi": list(c.meta.etsi),
            "owasp": list(c.meta.owasp),
        }
        for c in load_checks()
    ]


def judged_per_asset(verdicts: list[Any]) -> dict[int, dict[str, Any]]:
    """Per device: how many checks reached a verdict in this view, from which runs, and when (oldest, newest)."""
    found: dict[int, dict[str, Any]] = {}
    for row in verdicts:
        if row.asset_id is None or row.verdict not in ("pass", "fail"):
            continue
        entry = found.setdefault(row.asset_id, {"checks": set(), "runs": set(), "dates": []})
        entry["checks"].add(row.check_id)
        entry["runs"].add(row.scan_id)
        entry["dates"].append(row.evaluated_at)
    return {
        asset_id: {
            "checks": len(e["checks"]),
            "runs": sorted(e["runs"]),
            "oldest": min(e["dates"]).isoformat(),
            "newest": max(e["dates"]).isoformat(),
        }
        for asset_id, e in found.items()
    }


def build_security_report(
    store: Store, status: str | None = None, scan_id: int | None = None, site: str | None = None
) -> dict[str, Any]:
    """The estate's current state by default (of one site with `site`); one run's with `scan_id`.

    Raises NoSuchRun when `scan_id` names no run (of that site).
    """
    with store.session() as session:
        view = view_of(session, scan_id, site)
        scan = view.scan
        scans = [r for r in view.runs if r.kind == ScanKind.SCAN.value] if view.kind == "estate" else view.runs
        assets = [a for a in queries.assets(session, site) if a.id in view.asset_ids]
        rows = [r for r in queries.findings(session, status=status) if r.asset_id in view.asset_ids]
        changes = queries.finding_changes(session)
        acceptances = queries.risk_acceptances(session)
        coverage = enisa_coverage(view.verdicts)
        judged = judged_per_asset(view.verdicts)
        method = method_section(session, view, load_checks(), display_url(store.url))
    states = baseline_states(scan.id if scan else None, rows, changes)
    exceptions = decisions(rows, changes, acceptances)
    asset_class = {a.address: a.device_class for a in assets}
    findings = []
    for row in rows:
        data = row.to_dict()
        data.pop("last_scan_id", None)
        data.update(
            endpoint=endpoint(row.address, row.transport, row.port),
            device_class=asset_class.get(row.address),
            change=states.get(row.id),
            exception=exceptions.get(row.id),
        )
        findings.append(clean(data))
    active = [f for f in findings if f["status"] in ACTIVE]
    history = severity_history(scans, rows, changes)
    previous = history[-2]["active"] if len(history) > 1 else None
    return {
        "report": "security",
        "schema_version": REPORT_SCHEMA_VERSION,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "generator": f"muniscan {__version__}",
        "store": display_url(store.url),
        "view": view.describe(),
        "scan": None
        if scan is None
        else {
            "id": scan.id,
            "started_at": scan.started_at.isoformat(),
            "finished_at": scan.finished_at.isoformat() if scan.finished_at else None,
            "status": scan.status,
            "policy": scan.policy_name,
            "policy_hash": scan.policy_hash,
            "counts": scan.counts,
        },
        "summary": {
            "devices": len(assets),
            "services": sum(len(a.services) for a in assets),
            "findings": len(findings),
            "active": len(active),
            "previous_active": previous,
            "active_by_severity": dict(Counter(f["severity"] for f in active)),
            "by_status": dict(Counter(f["status"] for f in findings)),
            "enisa_measures_failing": sorted({m for f in active for m in f["enisa"]}),
        },
        "top_risks": [f["id"] for f in sorted(active, key=_rank)[:TOP_RISKS]],
        "history": history,
        "devices_by_class": dict(Counter(a.device_class or "unknown" for a in assets).most_common()),
        "coverage": coverage,
        "method": method,
        "rules": _rules(),
        "assets": [clean({**a.to_dict(), "judged": judged.get(a.id)}) for a in assets],
        "findings": findings,
    }
