"""`muniscan findings`: list, show and decide on findings; every decision is an audited event."""

import getpass
import os
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer
from sqlmodel import Session, col, select

from muniscan import lifecycle, queries
from muniscan.cli.context import state
from muniscan.cli.evaluate import policy_from_option
from muniscan.cli.output import console, emit_json, fail, safe, table
from muniscan.policies import Policy
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


def _list(ctx: typer.Context, status: str | None, as_json: bool, policy_option: str | None, overdue: bool) -> None:
    if status is not None and status not in STATUSES:
        fail(f"--status must be one of {', '.join(STATUSES)}, not '{status}'")
    policy = policy_from_option(policy_option)
    with state(ctx).store().session() as session:
        rows = [_with_sla(r, policy) for r in queries.findings(session, status=status)]
    if overdue:
        rows = [r for r in rows if r["overdue"]]
    if as_json:
        emit_json(rows)
        return
    table(
        f"{len(rows)} finding(s)",
        ["id", "severity", "status", "check", "address", "port", "due", "ENISA"],
        [
            [
                r["id"],
                r["severity"],
                r["status"],
                r["check_id"],
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
    as_json: JsonOption = False,
    policy_option: PolicyOption = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only findings past their SLA due date.")] = False,
) -> None:
    """List findings (all statuses unless --status is given); subcommands show and decide."""
    if ctx.invoked_subcommand is None:
        _list(ctx, status, as_json, policy_option, overdue)


@app.command("list")
def list_findings(
    ctx: typer.Context,
    status: StatusOption = None,
    as_json: JsonOption = False,
    policy_option: PolicyOption = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only findings past their SLA due date.")] = False,
) -> None:
    """List findings with their SLA due dates."""
    _list(ctx, status, as_json, policy_option, overdue)


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
    console.print(safe(f"{row.check_id} on {row.address}" + (f" {row.transport}/{row.port}" if row.port else "")))
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
