"""The estate's current state: per asset, the latest verdict of each check that was actually tested.

A partial run (one device, a narrower port list, an import, a capture) updates only what it
judged; procurement tests judge sample devices and never enter the estate at all.
"""

from sqlmodel import Session, col, select

from muniscan.store.models import ESTATE_KINDS, Evaluation, Observation, ScanRun, ScanStatus
from muniscan.verdicts import evaluations, latest_policy_hash

Target = tuple[str, int | None, int | None]  # check, asset, service
DECIDED = ("pass", "fail")


def estate_scans(session: Session, site: str | None = None) -> list[ScanRun]:
    """Completed runs that describe the estate (scans, imports, captures), oldest first."""
    query = select(ScanRun).where(ScanRun.status == ScanStatus.COMPLETED.value, col(ScanRun.kind).in_(ESTATE_KINDS))
    if site is not None:
        query = query.where(ScanRun.site == site)
    return list(session.exec(query.order_by(col(ScanRun.id))))


def estate_evaluations(session: Session, site: str | None = None) -> list[Evaluation]:
    """Per (check, asset, service): the rows of the newest run that passed or failed it, else its newest unknown."""
    decided: dict[Target, list[Evaluation]] = {}
    undecided: dict[Target, list[Evaluation]] = {}
    for scan in estate_scans(session, site):  # oldest first: a newer run replaces what it judged
        chosen = latest_policy_hash(session, scan.id)  # type: ignore[arg-type]
        if chosen is None:
            continue
        this_run: dict[Target, list[Evaluation]] = {}
        for row in evaluations(session, scan.id, chosen):  # type: ignore[arg-type]
            this_run.setdefault((row.check_id, row.asset_id, row.service_id), []).append(row)
        for target, rows in this_run.items():
            if any(r.verdict in DECIDED for r in rows):
                decided[target] = [r for r in rows if r.verdict in DECIDED]
                undecided.pop(target, None)
            elif target not in decided:
                undecided[target] = rows
    return [r for rows in (*decided.values(), *undecided.values()) for r in rows]


def verdict_rows(session: Session, scan_id: int | None = None, site: str | None = None) -> list[Evaluation]:
    """One run's verdicts when asked for; by default the estate's current state."""
    if scan_id is not None:
        return evaluations(session, scan_id)
    return estate_evaluations(session, site)


def estate_asset_ids(session: Session, site: str | None = None) -> set[int]:
    """Devices some estate run observed: sample devices seen only in procurement tests stay out."""
    runs = [s.id for s in estate_scans(session, site)]
    if not runs:
        return set()
    query = select(Observation.asset_id).where(col(Observation.scan_id).in_(runs)).distinct()
    return set(session.exec(query).all())


def run_asset_ids(session: Session, scan_id: int) -> set[int]:
    query = select(Observation.asset_id).where(Observation.scan_id == scan_id).distinct()
    return set(session.exec(query).all())
