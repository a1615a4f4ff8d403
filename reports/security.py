"""The security report's content: devices, services, findings and their ENISA references."""

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from muniscan import __version__, queries
from muniscan.store import Store
from muniscan.store.db import display_url

REPORT_SCHEMA_VERSION = "1"


def build_security_report(store: Store, status: str | None = None) -> dict[str, Any]:
    with store.session() as session:
        scan = queries.latest_scan(session)
        assets = queries.assets(session)
        findings = queries.findings(session, status=status)
    active = [f for f in findings if f.status in ("open", "confirmed")]
    return {
        "report": "security",
        "schema_version": REPORT_SCHEMA_VERSION,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "generator": f"muniscan {__version__}",
        "store": display_url(store.url),
        "scan": None
        if scan is None
        else {
            "id": scan.id,
            "started_at": scan.started_at.isoformat(),
            "status": scan.status,
            "policy": scan.policy_name,
            "policy_hash": scan.policy_hash,
            "counts": scan.counts,
        },
        "summary": {
            "devices": len(assets),
            "services": sum(len(a.services) for a in assets),
            "findings": len(findings),
            "active_by_severity": dict(Counter(f.severity for f in active)),
            "by_status": dict(Counter(f.status for f in findings)),
            "enisa_measures_failing": sorted({m for f in active for m in f.enisa}),
        },
        "assets": [a.to_dict() for a in assets],
        "findings": [f.to_dict() for f in findings],
    }
