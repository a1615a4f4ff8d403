"""What changed between two scans, from their stored verdicts: new, fixed and still-failing results."""

from dataclasses import asdict, dataclass
from typing import Any

from sqlmodel import Session, col, select

from muniscan.store.models import Asset, Evaluation, Service
from muniscan.verdicts import evaluations

Key = tuple[str, str, str, str]  # check, asset identity, transport/port, result key


@dataclass(frozen=True)
class DeltaRow:
    check_id: str
    address: str
    identity: str
    port: int | None
    transport: str | None
    key: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ScanDelta:
    old_scan: int
    new_scan: int
    new: list[DeltaRow]
    fixed: list[DeltaRow]  # failed before; judged again and passed
    still_failing: list[DeltaRow]
    not_rechecked: list[DeltaRow]  # failed before; the newer scan could not judge it (offline, probe error)

    def to_dict(self) -> dict[str, Any]:
        lists = ("new", "fixed", "still_failing", "not_rechecked")
        return {
            "old_scan": self.old_scan,
            "new_scan": self.new_scan,
            "counts": {name: len(getattr(self, name)) for name in lists},
            **{name: [r.to_dict() for r in getattr(self, name)] for name in lists},
        }


def _verdicts(session: Session, scan_id: int) -> dict[Key, tuple[str, DeltaRow]]:
    rows = evaluations(session, scan_id)
    assets = {a.id: a for a in session.exec(select(Asset).where(col(Asset.id).in_({r.asset_id for r in rows})))}
    service_ids = {r.service_id for r in rows if r.service_id is not None}
    services = {s.id: s for s in session.exec(select(Service).where(col(Service.id).in_(service_ids)))}
    found: dict[Key, tuple[str, DeltaRow]] = {}
    for row in rows:
        found[_key(row, assets, services)] = (row.verdict, _row(row, assets, services))
    return found


def _key(row: Evaluation, assets: dict[Any, Asset], services: dict[Any, Service]) -> Key:
    service = services.get(row.service_id)
    where = f"{service.transport}/{service.port}" if service else "-"
    asset = assets.get(row.asset_id)
    return (row.check_id, asset.identity if asset else str(row.asset_id), where, row.key)


def _row(row: Evaluation, assets: dict[Any, Asset], services: dict[Any, Service]) -> DeltaRow:
    asset, service = assets.get(row.asset_id), services.get(row.service_id)
    return DeltaRow(
        check_id=row.check_id,
        address=asset.address if asset else "?",
        identity=asset.identity if asset else "?",
        port=service.port if service else None,
        transport=service.transport if service else None,
        key=row.key,
    )


def scan_delta(session: Session, old_scan: int, new_scan: int) -> ScanDelta:
    before, after = _verdicts(session, old_scan), _verdicts(session, new_scan)
    failed_before = {k: r for k, (v, r) in before.items() if v == "fail"}
    failed_after = {k: r for k, (v, r) in after.items() if v == "fail"}
    passed_after = {k for k, (v, _) in after.items() if v == "pass"}

    def ordered(rows: list[DeltaRow]) -> list[DeltaRow]:
        return sorted(rows, key=lambda r: (r.address, r.port or 0, r.check_id, r.key))

    return ScanDelta(
        old_scan=old_scan,
        new_scan=new_scan,
        new=ordered([r for k, r in failed_after.items() if k not in failed_before]),
        fixed=ordered([r for k, r in failed_before.items() if k in passed_after]),
        still_failing=ordered([r for k, r in failed_after.items() if k in failed_before]),
        not_rechecked=ordered([r for k, r in failed_before.items() if k not in failed_after and k not in passed_after]),
    )
