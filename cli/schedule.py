"""`muniscan schedule`: scheduled scans kept in the store, run by `schedule run` or by system timers."""

import signal
import threading
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import make_url
from sqlmodel import col, select

from muniscan.cli.context import state
from muniscan.cli.evaluate import policy_from_option
from muniscan.cli.output import console, emit_json, fail, note, table
from muniscan.logging_setup import default_to_info
from muniscan.paths import home
from muniscan.scanner.engine import ScanPlan
from muniscan.scanner.scope import OutOfScope
from muniscan.schedule.install import Deployment
from muniscan.schedule.install import install as install_files
from muniscan.schedule.jobs import ScheduleError, add_job, remove_job
from muniscan.schedule.runner import job_policy, run_job_now, run_scheduler
from muniscan.store.models import AgentRun, RunStatus, Schedule, ScheduleRun

app = typer.Typer(help="Scheduled scans: add, list, remove, run, install timers.", no_args_is_help=True)


@app.command()
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A unique job name (letters, digits, - and _).")],
    policy: Annotated[str, typer.Option("--policy", "-p", help="Policy file or shipped profile name.")],
    cron: Annotated[str | None, typer.Option(help="When, as cron: '0 2 * * *' is 02:00 daily (UTC).")] = None,
    every: Annotated[int | None, typer.Option(help="Or every N seconds (labs and tests).")] = None,
    target: Annotated[list[str] | None, typer.Option(help="Targets; default the policy's whole scope.")] = None,
    site: Annotated[str, typer.Option(help="Vantage point / network segment name of the scan.")] = "default",
    checks_dir: Annotated[list[Path] | None, typer.Option("--checks-dir", help="Extra check folder.")] = None,
    max_runtime: Annotated[
        int, typer.Option(help="Seconds a run may take: its scan stops then, and the job's lease expires.", min=1)
    ] = 6 * 3600,
) -> None:
    """Add a scheduled scan; the policy and the targets' scope are checked now, not at 2 a.m."""
    if not name.replace("-", "").replace("_", "").isalnum():
        fail(f"job name '{name}' may use only letters, digits, - and _")
    try:
        ScanPlan.build(policy_from_option(policy), list(target or []))
    except OutOfScope as exc:
        fail(f"job '{name}': {exc}")
    with state(ctx).store().session() as session:
        try:
            job = add_job(
                session, name, policy, cron, every, target, site, [str(d) for d in checks_dir or []], max_runtime
            )
        except ScheduleError as exc:
            fail(str(exc))
        session.commit()
        console.print(f"job {job.name}: next run {job.next_run_at:%Y-%m-%d %H:%M:%S} UTC")


@app.command("list")
def list_jobs(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Jobs with their next run and how their last run ended."""
    with state(ctx).store().session() as session:
        jobs = session.exec(select(Schedule).order_by(Schedule.name)).all()
        last = {
            job.id: session.exec(
                select(ScheduleRun).where(ScheduleRun.schedule_id == job.id).order_by(col(ScheduleRun.id).desc())
            ).first()
            for job in jobs
        }
    rows = [
        {
            "name": j.name,
            "when": j.cron or f"every {j.every_seconds}s",
            "policy": j.policy,
            "site": j.site,
            "next_run": j.next_run_at.isoformat(),
            "running": j.lease_owner is not None,
            "last_status": last[j.id].status if last[j.id] else None,  # type: ignore[union-attr]
            "last_reason": last[j.id].reason if last[j.id] else None,  # type: ignore[union-attr]
        }
        for j in jobs
    ]
    if as_json:
        emit_json(rows)
        return
    table(
        f"{len(rows)} scheduled job(s)",
        ["name", "when", "policy", "next run (UTC)", "last run"],
        [[r["name"], r["when"], r["policy"], r["next_run"][:19], r["last_status"] or ""] for r in rows],
    )


@app.command()
def runs(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="Only this job.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The run history: completed, failed (with the reason), skipped overlaps, and runs sent to agents with
    the agent's status and scan id once known."""
    with state(ctx).store().session() as session:
        query = select(ScheduleRun, Schedule).join(Schedule, col(Schedule.id) == col(ScheduleRun.schedule_id))
        if name:
            query = query.where(Schedule.name == name)
        found = session.exec(query.order_by(col(ScheduleRun.id))).all()
        sent = [run.message_id for run, _ in found if run.message_id]
        agents = {a.message_id: a for a in session.exec(select(AgentRun).where(col(AgentRun.message_id).in_(sent)))}
    rows = []
    for run, job in found:
        agent = agents.get(run.message_id or "")
        rows.append(
            {
                "job": job.name,
                "status": run.status,
                "started": run.started_at.isoformat(),
                "finished": run.finished_at.isoformat() if run.finished_at else None,
                "scan_id": run.scan_id if agent is None else agent.scan_id,
                "message_id": run.message_id,
                "agent_status": agent.status if agent else None,
                "reason": run.reason if agent is None or not agent.error else agent.error,
            }
        )
    if as_json:
        emit_json(rows)
        return
    table(
        f"{len(rows)} run(s)",
        ["job", "status", "started (UTC)", "scan", "reason"],
        [
            [
                r["job"],
                r["status"] + (f" ({r['agent_status']} on the agent)" if r["agent_status"] else ""),
                r["started"][:19],
                r["scan_id"] or "",
                r["reason"] or "",
            ]
            for r in rows
        ],
    )


@app.command()
def remove(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Job name.")]) -> None:
    """Remove a job; its run history goes with it."""
    with state(ctx).store().session() as session:
        try:
            remove_job(session, name)
        except ScheduleError as exc:
            fail(str(exc))
        session.commit()
    console.print(f"job {name} removed")


@app.command("run")
def run(
    ctx: typer.Context,
    poll: Annotated[float, typer.Option(help="Seconds between looks at the store.", min=0.1)] = 5.0,
    duration: Annotated[
        float | None, typer.Option("--for", help="Stop after this many seconds (default: until stopped).")
    ] = None,
) -> None:
    """Run the scheduler in the foreground until interrupted (SIGINT/SIGTERM)."""
    default_to_info()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        if threading.current_thread() is threading.main_thread():
            signal.signal(sig, lambda *_: stop.set())
    if duration is not None:
        threading.Timer(duration, stop.set).start()
    note("scheduler running; jobs are read from the store")
    run_scheduler(state(ctx).store(), stop, poll_seconds=poll)


@app.command("run-job")
def run_job(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Job name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the run as JSON.")] = False,
) -> None:
    """Run one job now (what system timers call); skipped if its previous run still holds the lease."""
    try:
        result = run_job_now(state(ctx).store(), name)
    except ScheduleError as exc:
        fail(str(exc))
    if as_json:
        emit_json(
            {
                "job": name,
                "status": result.status,
                "scan_id": result.scan_id,
                "message_id": result.message_id,
                "reason": result.reason,
            }
        )
    else:
        console.print(f"job {name}: {result.status}" + (f" ({result.reason})" if result.reason else ""))
    if result.status == RunStatus.FAILED.value:
        raise typer.Exit(1)


@app.command("install")
def install(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder to write the files into.")],
    systemd: Annotated[bool, typer.Option("--systemd", help="A .service and .timer per job.")] = False,
    cron: Annotated[bool, typer.Option("--cron", help="One crontab file for all jobs.")] = False,
    user: Annotated[str, typer.Option("--user", help="The dedicated system user the jobs run as.")] = "muniscan",
    muniscan_home: Annotated[
        Path | None,
        typer.Option("--home", help="MUNISCAN_HOME of the jobs (secret.key); default: the one in use now."),
    ] = None,
) -> None:
    """Write systemd units (UTC, hardened, logging to the journal) or a UTC crontab that call
    `muniscan schedule run-job NAME` as a dedicated user, with this store and this MUNISCAN_HOME."""
    if systemd == cron:
        fail("give exactly one of --systemd or --cron")
    store = state(ctx).store()
    with store.session() as session:
        jobs = list(session.exec(select(Schedule).order_by(Schedule.name)).all())
    try:
        raw = {job.name for job in jobs if _needs_raw_sockets(job)}
        where = Deployment(store.url, (muniscan_home or home()).resolve(), user)
        written = install_files(jobs, "systemd" if systemd else "cron", output, where, raw)
    except ScheduleError as exc:
        fail(str(exc))
    if make_url(store.url).password:
        note("the store's password is not written into the files: set PGPASSWORD in /etc/muniscan/env")
    if cron and raw:
        note(f"jobs {', '.join(sorted(raw))} use ARP or ICMP discovery, which cron cannot grant: use --systemd")
    for path in written:
        console.print(str(path))


def _needs_raw_sockets(job: Schedule) -> bool:
    """ARP sweeps and ICMP echo need CAP_NET_RAW; a policy that cannot be read now is reported, not guessed."""
    try:
        discovery = job_policy(job).discovery
    except Exception as exc:  # a policy file moved since `schedule add`: say which job
        raise ScheduleError(f"job '{job.name}': its policy cannot be read ({exc})") from exc
    return discovery.arp or discovery.ping
