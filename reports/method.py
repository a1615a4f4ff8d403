"""The method section every report carries: what the runs behind it covered, and what they did not test.

Read from the runs' own records (kind, scope, ports, probe classes, checks that reached a verdict),
so "no findings" can be read for what it is: no failure among the things tested.
"""

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select

from muniscan import __version__
from muniscan.checks.registry import Check, load_checks
from muniscan.coverage import PortCoverage, port_ranges, run_record
from muniscan.estate import View, view_of
from muniscan.store import Store
from muniscan.store.db import display_url
from muniscan.store.models import Observation, ScanRun


def _union(runs: list[ScanRun], field: str, key: str) -> list[str]:
    return sorted({str(v) for r in runs for v in (getattr(r, field) or {}).get(key, [])})


def _ports(runs: list[ScanRun]) -> dict[str, str]:
    covered = [PortCoverage.of(r) for r in runs]
    return {
        "tcp": port_ranges(p for c in covered for p in c.tcp),
        "udp": port_ranges(p for c in covered for p in c.udp),
    }


def _probes(session: Session, runs: list[ScanRun]) -> list[str]:
    ids = [r.id for r in runs]
    if not ids:
        return []
    query = select(Observation.probe).where(col(Observation.scan_id).in_(ids)).distinct()
    return sorted(session.exec(query).all())


def not_run_reason(check: Check, classes: set[str], undecided: int) -> dict[str, Any]:
    """Why a check reached no verdict in these runs, as precisely as the records allow (a code and its detail)."""
    if check.meta.intrusiveness.value not in classes:
        return {"reason": "probe_class", "detail": check.meta.intrusiveness.value}
    if undecided:
        return {"reason": "undecided", "detail": undecided}
    return {"reason": "nothing_to_test", "detail": None}


def method_section(session: Session, view: View, checks: Iterable[Check], store: str) -> dict[str, Any]:
    runs = view.runs
    classes = {c for r in runs for c in r.probe_classes}
    decided = {v.check_id for v in view.verdicts if v.verdict in ("pass", "fail")}
    undecided: dict[str, set[int | None]] = {}
    for v in view.verdicts:
        if v.verdict == "unknown":
            undecided.setdefault(v.check_id, set()).add(v.asset_id)
    known = sorted(checks, key=lambda c: c.id)
    starts = [r.started_at for r in runs]
    ends = [r.finished_at for r in runs if r.finished_at]
    return {
        "view": view.describe(),
        "runs": [run_record(r) for r in runs],
        "window": {
            "from": min(starts).isoformat() if starts else None,
            "to": max(ends).isoformat() if ends else None,
        },
        "scope": {
            "include": _union(runs, "scope", "include"),
            "exclude": _union(runs, "scope", "exclude"),
            "never_touch_ports": _union(runs, "scope", "never_touch_ports"),
        },
        "ports": _ports(runs),
        "probes": _probes(session, runs),
        "probe_classes": sorted(classes),
        "checks_run": sorted(decided),
        "checks_not_run": [
            {"id": c.id, **not_run_reason(c, classes, len(undecided.get(c.id, ())))}
            for c in known
            if c.id not in decided
        ],
        "tool": f"muniscan {__version__}",
        "store": store,
    }


def method_for(store: Store, scan_id: int | None = None, site: str | None = None) -> dict[str, Any]:
    """The method section of a report built outside the estate view: the privacy report (the estate's runs,
    captures included) and the procurement report (the sample device's test run)."""
    with store.session() as session:
        return method_section(session, view_of(session, scan_id, site), load_checks(), display_url(store.url))
