"""`muniscan findings`: list, show and decide on findings; every decision is an audited event."""

import getpass
import os
from dataclasses import asdict, astuple, dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer
from sqlmodel import Session, col, select

from muniscan import lifecycle, queries
from muniscan.cli.context import state
from muniscan.cli.evaluate import policy_from_option
from muniscan.cli.inventory import parse_when
from muniscan.cli.output import console, emit_json, fail, safe, table
from muniscan.policies import Policy
from muniscan.policies.schema import Severity
from muniscan.store.models import Finding, FindingEvent, FindingStatus, RiskAcceptance
from muniscan.store.models.common import utcnow

app = typer.Typer(help="Findings and their lifecycle.", invoke_without_command=True)

STATUSES = [s.value for s in FindingStatus]
StatusOption = Annotated[str | None, typer.Option(help=f"Only this status: {', '.join(STATUSES)}.")]
JsonOption = Annotated[bool, typer.Option("--json", help="A JSON list of objects.")]
PolicyOption = Annotated[
    str | None, typer.Option("--policy", "-p", help="Policy whose sla_days set due dates; default enisa-baseline.")
]
ByOption = Annotated[str | None, typer.Option("--by", help="Who decides; default $USER.")]
FindingId = Annotated[int, typer.Argument(help="Finding ID.")]


def _actor(by: str | None) -> str:
    return by or os.environ.get("USER") or getpass.getuser() or "unknown"


def _with_sla(row: queries.FindingRow, policy: Policy) -> dict[str, Any]:
    due = lifecycle.due_date(row.severity, row.first_seen, policy)
    data = row.to_dict()
    data["due"] = due.isoformat() if due else None
    data["overdue"] = lifecycle.is_overdue(row.status, row.severity, row.first_seen, policy)
    return data


SEVERITIES = [s.value for s in reversed(Severity)]  # most severe first
SeverityOption = Annotated[
    list[str] | None, typer.Option("--severity", help=f"Only these severities (repeatable): {', '.join(SEVERITIES)}.")
]
SiteOption = Annotated[str | None, typer.Option("--site", help="Only findings on devices of this network segment.")]
CheckOption = Annotated[list[str] | None, typer.Option("--check", help="Only this check ID (repeatable).")]
SinceOption = Annotated[
    str | None, typer.Option("--since", help="Only findings seen since an ISO date/time or a span: 24h, 7d.")
]
OverdueOption = Annotated[bool, typer.Option("--overdue", help="Only findings past their SLA due date.")]


@dataclass(frozen=True)
class Listing:
    """What to list; given before `list` (`findings --status open list`) or after it, both count."""

    status: str | None = None
    severity: tuple[str, ...] = ()
    site: str | None = None
    check: tuple[str, ...] = ()
    since: str | None = None
    overdue: bool = False
    as_json: bool = False
    policy: str | None = None

    def merged(self, given: "Listing") -> "Listing":
        """Options given after the subcommand win; the group's fill what they leave unset."""
        return Listing(
            *(
                mine if mine not in (None, (), False) else group
                for mine, group in zip(astuple(given), astuple(self), strict=True)
            )
        )


def _group(ctx: typer.Context) -> Listing:
    return ctx.meta.get("findings.listing", Listing())


def _refuse_group_filters(ctx: typer.Context, allowed: tuple[str, ...] = ()) -> Listing:
    """Subcommands that act on one finding honour --json and --policy before them, and refuse list filters."""
    group = _group(ctx)
    given = [name for name, value in asdict(group).items() if value not in (None, (), False) and name not in allowed]
    if given:
        options = ", ".join("--" + name.replace("as_json", "json") for name in given)
        fail(f"{options} filter(s) the listing; they do not apply to `findings {ctx.info_name}`")
    return group


def _list(ctx: typer.Context, wanted: Listing) -> None:
    if wanted.status is not None and wanted.status not in STATUSES:
        fail(f"--status must be one of {', '.join(STATUSES)}, not '{wanted.status}'")
    unknown = [s for s in wanted.severity if s not in SEVERITIES]
    if unknown:
        fail(f"--severity must be one of {', '.join(SEVERITIES)}, not '{unknown[0]}'")
    try:
        since = parse_when(wanted.since) if wanted.since else None
    except ValueError as exc:
        fail(f"--since: {exc}")
    policy = policy_from_option(wanted.policy)
    with state(ctx).store().session() as session:
        found = queries.findings(session, status=wanted.status)
    rows = [
        _with_sla(r, policy)
        for r in sorted(found, key=lambda r: (SEVERITIES.index(r.severity), r.id))
        if (not wanted.severity or r.severity in wanted.severity)
        and (wanted.site is None or r.site == wanted.site)
        and (not wanted.check or r.check_id in wanted.check)
        and (since is None or r.last_seen >= since)
    ]
    if wanted.overdue:
        rows = [r for r in rows if r["overdue"]]
    if wanted.as_json:
        emit_json(rows)
        return
    table(
        f"{len(rows)} finding(s)",
        ["id", "severity", "status", "check", "site", "address", "port", "due", "ENISA"],
        [
            [
                r["id"],
                r["severity"],
                r["status"] + (f" (not re-checked since scan {r['last_scan_id']})" if r["not_rechecked"] else ""),
                r["check_id"],
                r["site"],
                r["address"],
                r["port"] or "",
                (r["due"] or "")[:10] + (" OVERDUE" if r["overdue"] else ""),
                " ".join(r["enisa"]),
            ]
            for r in rows
        ],
    )


@app.callback()
def findings(
    ctx: typer.Context,
    status: StatusOption = None,
    severity: SeverityOption = None,
    site: SiteOption = None,
    check: CheckOption = None,
    since: SinceOption = None,
    overdue: OverdueOption = False,
    as_json: JsonOption = False,
    policy_option: PolicyOption = None,
) -> None:
    """List findings, most severe first (all statuses unless --status is given); subcommands show and decide."""
    listing = Listing(status, tuple(severity or ()), site, tuple(check or ()), since, overdue, as_json, policy_option)
    ctx.meta["findings.listing"] = listing
    if ctx.invoked_subcommand is None:
        _list(ctx, listing)


@app.command("list")
def list_findings(
    ctx: typer.Context,
    status: StatusOption = None,
    severity: SeverityOption = None,
    site: SiteOption = None,
    check: CheckOption = None,
    since: SinceOption = None,
    overdue: OverdueOption = False,
    as_json: JsonOption = False,
    policy_option: PolicyOption = None,
) -> None:
    """List findings, most severe first, with their site and SLA due dates."""
    given = Listing(status, tuple(severity or ()), site, tuple(check or ()), since, overdue, as_json, policy_option)
    _list(ctx, _group(ctx).merged(given))


def _finding(session: Session, finding_id: int) -> Finding:
    finding = session.get(Finding, finding_id)
    if finding is None:
        fail(f"no finding {finding_id}")
    return finding


@app.command()
def show(
    ctx: typer.Context,
    finding_id: FindingId,
    as_json: JsonOption = False,
    policy_option: PolicyOption = None,
) -> None:
    """One finding: evidence, references, SLA, acceptance and its full history."""
    group = _refuse_group_filters(ctx, allowed=("as_json", "policy"))
    as_json, policy_option = as_json or group.as_json, policy_option or group.policy
    policy = policy_from_option(policy_option)
    with state(ctx).store().session() as session:
        _finding(session, finding_id)
        row = next(r for r in queries.findings(session) if r.id == finding_id)
        events = session.exec(
            select(FindingEvent).where(FindingEvent.finding_id == finding_id).order_by(col(FindingEvent.id))
        ).all()
        acceptances = session.exec(select(RiskAcceptance).where(RiskAcceptance.finding_id == finding_id)).all()
    data = _with_sla(row, policy)
    data["history"] = [
        {
            "at": e.at.isoformat(),
            "kind": e.kind,
            "from": e.old_status,
            "to": e.new_status,
            "by": e.actor,
            "scan": e.scan_id,
            "note": e.note,
        }
        for e in events
    ]
    data["acceptances"] = [
        {"reason": a.reason, "approver": a.approver, "expires": a.expires_at.isoformat(), "revoked": a.revoked}
        for a in acceptances
    ]
    if as_json:
        emit_json(data)
        return
    console.print(safe(f"#{row.id} {row.title} [{row.severity}, {row.status}]"))
    console.print(
        safe(
            f"{row.check_id} on {row.address} (site {row.site})" + (f" {row.transport}/{row.port}" if row.port else "")
        )
    )
    console.print(
        safe(
            f"first seen {row.first_seen:%Y-%m-%d}, last seen {row.last_seen:%Y-%m-%d}, due "
            f"{(data['due'] or 'none')[:10]}{' (OVERDUE)' if data['overdue'] else ''}"
        )
    )
    console.print(safe(f"ENISA {' '.join(row.enisa)}; ETSI {' '.join(row.etsi)}; OWASP {' '.join(row.owasp)}"))
    console.print(safe(f"evidence: {row.evidence}", limit=2000))
    console.print(safe(f"remediation: {row.remediation}", limit=2000))
    table(
        "history",
        ["at", "event", "status", "by", "note"],
        [
            [h["at"][:19], h["kind"], f"{h['from'] or ''} -> {h['to'] or ''}", h["by"], h["note"]]
            for h in data["history"]
        ],
    )


def _decide(ctx: typer.Context, finding_id: int, action: Any, *args: Any) -> None:
    _refuse_group_filters(ctx)
    with state(ctx).store().session() as session:
        finding = _finding(session, finding_id)
        try:
            action(session, finding, *args)
        except lifecycle.TransitionError as exc:
            fail(str(exc))
        session.commit()
        console.print(f"finding {finding_id}: {finding.status}")


@app.command()
def confirm(
    ctx: typer.Context,
    finding_id: FindingId,
    note: Annotated[str, typer.Option(help="Why it is confirmed.")] = "",
    by: ByOption = None,
) -> None:
    """Confirm an open finding after checking its evidence."""
    _decide(ctx, finding_id, lifecycle.confirm, _actor(by), note)


def _expiry(expires: str | None, days: int | None) -> datetime:
    if (expires is None) == (days is None):
        fail("give exactly one of --expires YYYY-MM-DD or --days N")
    if days is not None:
        return utcnow() + timedelta(days=days)
    try:
        return datetime.fromisoformat(str(expires)).replace(tzinfo=UTC)
    except ValueError:
        fail(f"--expires must be a date YYYY-MM-DD, not '{expires}'")


@app.command()
def accept(
    ctx: typer.Context,
    finding_id: FindingId,
    reason: Annotated[str, typer.Option(help="Why the risk is accepted (compensating control...).")],
    approver: Annotated[str, typer.Option(help="Who approved the acceptance.")],
    expires: Annotated[str | None, typer.Option(help="Expiry date YYYY-MM-DD; the finding reopens after it.")] = None,
    days: Annotated[int | None, typer.Option(help="Or: expires in this many days.", min=1)] = None,
    by: ByOption = None,
) -> None:
    """Accept the risk of a finding until an expiry date."""
    _decide(ctx, finding_id, lifecycle.accept_risk, _actor(by), reason, approver, _expiry(expires, days))


@app.command("false-positive")
def false_positive(
    ctx: typer.Context,
    finding_id: FindingId,
    reason: Annotated[str, typer.Option(help="Why the finding is wrong.")],
    by: ByOption = None,
) -> None:
    """Mark a finding as a false positive; later scans leave it so."""
    _decide(ctx, finding_id, lifecycle.mark_false_positive, _actor(by), reason)


@app.command()
def reopen(
    ctx: typer.Context,
    finding_id: FindingId,
    reason: Annotated[str, typer.Option(help="Why it is reopened.")],
    by: ByOption = None,
) -> None:
    """Reopen a confirmed, fixed, accepted or false-positive finding (revokes any acceptance)."""
    _decide(ctx, finding_id, lifecycle.reopen, _actor(by), reason)


@app.command()
def comment(
    ctx: typer.Context,
    finding_id: FindingId,
    text: Annotated[str, typer.Argument(help="The comment.")],
    by: ByOption = None,
) -> None:
    """Add a comment to a finding's history."""
    _decide(ctx, finding_id, lifecycle.comment, _actor(by), text)
