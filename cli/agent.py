"""`muniscan agent`: scan agents, one per network segment, taking jobs from that segment's queue on Redis."""

from typing import Annotated

import typer

from muniscan.agents.broker import (
    BROKER_ENV,
    DEFAULT_BROKER,
    DEFAULT_NAMESPACE,
    NAMESPACE_ENV,
    AgentError,
    make_broker,
    queue_name,
)
from muniscan.agents.dispatch import dispatch as queue_job
from muniscan.agents.jobs import job_for
from muniscan.agents.leases import DEFAULT_HEARTBEAT, DEFAULT_LEASE, reap_lost
from muniscan.agents.process import AgentConfig, AgentLimits, ceiling_of, run_agent
from muniscan.agents.records import recent_runs
from muniscan.agents.roster import roster
from muniscan.cli.context import state
from muniscan.cli.evaluate import policy_from_option
from muniscan.cli.output import console, emit_json, fail, note, table
from muniscan.logging_setup import current_setup, default_to_info
from muniscan.policies.schema import Intrusiveness
from muniscan.scanner.scope import OutOfScope
from muniscan.schedule.jobs import ScheduleError
from muniscan.schedule.routes import set_route

app = typer.Typer(
    help="Scan agents: run one per segment, dispatch jobs to it, see what agents did.", no_args_is_help=True
)

Site = Annotated[str, typer.Option("--site", help="The segment: its agents consume only its queue.")]
BrokerUrl = Annotated[str, typer.Option("--broker", envvar=BROKER_ENV, help="Redis URL of the task queue.")]
Namespace = Annotated[
    str, typer.Option("--namespace", envvar=NAMESPACE_ENV, help="Prefix of every Redis key (one per estate).")
]


def _queue(site: str) -> str:
    try:
        return queue_name(site)
    except AgentError as exc:
        fail(str(exc))


@app.command("run")
def run(
    ctx: typer.Context,
    site: Site,
    scope: Annotated[
        list[str],
        typer.Option("--scope", help="The agent's own scope (repeatable): no job may reach past these networks."),
    ],
    never_touch: Annotated[
        list[str] | None,
        typer.Option("--never-touch", help="Ports this agent never touches, added to every job's policy."),
    ] = None,
    max_intrusiveness: Annotated[
        Intrusiveness, typer.Option(help="Highest probe class a job may allow; a job allowing more is refused.")
    ] = Intrusiveness.SAFE,
    max_rate: Annotated[float, typer.Option(help="Highest packets per second a job may ask for.", min=0.1)] = 500.0,
    max_per_host: Annotated[int, typer.Option(help="Highest per-host concurrency a job may ask for.", min=1)] = 2,
    max_concurrency: Annotated[int, typer.Option(help="Highest global concurrency a job may ask for.", min=1)] = 128,
    port: Annotated[
        list[str] | None,
        typer.Option("--port", help="Ports (or ranges) jobs may probe (repeatable; default any not never-touch)."),
    ] = None,
    broker: BrokerUrl = DEFAULT_BROKER,
    namespace: Namespace = DEFAULT_NAMESPACE,
    processes: Annotated[int, typer.Option(help="Worker processes.", min=1)] = 1,
    threads: Annotated[int, typer.Option(help="Jobs run at once per process.", min=1)] = 1,
    name: Annotated[str | None, typer.Option(help="Agent name in the records (default host:pid).")] = None,
    stop_timeout: Annotated[
        float, typer.Option(help="On SIGINT/SIGTERM, seconds to let running jobs finish.", min=0)
    ] = 60.0,
    heartbeat: Annotated[
        float,
        typer.Option(help="Seconds between heartbeats (each also pushes on the lease of the jobs in hand).", min=0.1),
    ] = DEFAULT_HEARTBEAT,
    lease: Annotated[
        float,
        typer.Option(
            help="Seconds without a heartbeat after which another process marks this agent's jobs and scans lost.",
            min=1,
        ),
    ] = DEFAULT_LEASE,
) -> None:
    """Run an agent in the foreground: take the site's jobs from the store given by --db, scan (scope first).

    The agent runs only jobs the central node recorded as queued, under the policy it registered, and refuses
    a job above its own ceiling (scope, intrusiveness, rate, concurrency, ports); the shipped never-touch ports
    always hold."""
    default_to_info()
    if lease < 2 * heartbeat:
        fail(f"--lease {lease:g} must be at least twice --heartbeat {heartbeat:g}: one late beat must not lose a job")
    note(f"agent for site {site}: queue {_queue(site)}; stop with Ctrl-C or SIGTERM")
    limits = AgentLimits(max_intrusiveness, max_rate, max_per_host, max_concurrency, tuple(port or ()))
    log_level, log_file = current_setup()
    config = AgentConfig(
        state(ctx).store().url,
        broker,
        namespace,
        site,
        tuple(scope),
        tuple(never_touch or ()),
        limits,
        name,
        threads,
        stop_timeout,
        log_level,
        log_file,
        heartbeat,
        lease,
    )
    try:
        ceiling_of(config)
        make_broker(broker, namespace).close()
    except AgentError as exc:
        fail(str(exc))
    run_agent(config, processes)


@app.command("dispatch")
def dispatch(
    ctx: typer.Context,
    site: Site,
    policy: Annotated[str, typer.Option("--policy", "-p", help="Policy file or shipped profile name.")],
    target: Annotated[list[str] | None, typer.Option(help="Targets; default the policy's whole scope.")] = None,
    time_limit: Annotated[float | None, typer.Option(help="Seconds the agent's scan may take.", min=1)] = None,
    broker: BrokerUrl = DEFAULT_BROKER,
    namespace: Namespace = DEFAULT_NAMESPACE,
    as_json: Annotated[bool, typer.Option("--json", help="Print the message id, site and policy as JSON.")] = False,
) -> None:
    """Queue one scan for the site's agents; the policy (its content, not its path) is checked first.

    Prints the message id."""
    _queue(site)
    loaded = policy_from_option(policy)
    store = state(ctx).store()
    try:
        queue = make_broker(broker, namespace)
        message_id = queue_job(queue, store, job_for(loaded, site, target or [], time_limit))
        queue.close()
    except (AgentError, OutOfScope) as exc:
        fail(str(exc))
    if as_json:
        emit_json({"message_id": message_id, "site": site, "policy": loaded.name, "targets": target or []})
        return
    note(f"queued for site {site} (policy {loaded.name})")
    console.print(message_id)


@app.command("runs")
def runs(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option(help="Only this site.")] = None,
    limit: Annotated[int, typer.Option(help="How many, newest first.", min=1)] = 50,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Recent agent jobs: site, agent, message id, scan id, status and why a job failed or was lost."""
    store = state(ctx).store()
    reap_lost(store)
    found = recent_runs(store, site, limit)
    rows = [run.model_dump(mode="json") for run in found]
    if as_json:
        emit_json(rows)
        return
    table(
        f"{len(rows)} agent job(s)",
        ["site", "agent", "message", "job", "scan", "status", "deliveries", "queued (UTC)", "error / note"],
        [
            [
                r["site"],
                r["agent"] or "",
                r["message_id"],
                r["schedule"] or "",
                r["scan_id"] or "",
                r["status"],
                r["deliveries"],
                r["queued_at"][:19],
                "; ".join(filter(None, [r["error"], r["note"]])),
            ]
            for r in rows
        ],
    )


@app.command("status")
def status(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option(help="Only this site.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Agents: site, host and pid, alive / silent / stopped, last heartbeat and the jobs in hand.

    Jobs of an agent silent past its lease are marked lost first, with their scans."""
    agents = roster(state(ctx).store(), site)
    rows = [
        {**vars(a), "started_at": a.started_at.isoformat(), "heartbeat_at": a.heartbeat_at.isoformat()} for a in agents
    ]
    if as_json:
        emit_json(rows)
        return
    table(
        f"{len(rows)} agent(s)",
        ["agent", "site", "host:pid", "state", "last heartbeat (UTC)", "seconds ago", "current job", "scan"],
        [
            [
                a.name,
                a.site,
                f"{a.host}:{a.pid}",
                a.state,
                a.heartbeat_at.isoformat()[:19],
                f"{a.seconds_since_heartbeat:g}",
                " ".join(a.jobs),
                " ".join(map(str, a.scans)),
            ]
            for a in agents
        ],
    )


@app.command("route")
def route(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Scheduled job name.")],
    off: Annotated[bool, typer.Option("--off", help="Run the job on the central node again.")] = False,
    broker: Annotated[
        str | None,
        typer.Option("--broker", help="Redis URL (no password) for this job; default MUNISCAN_BROKER_URL at run time."),
    ] = None,
) -> None:
    """Send a scheduled job's runs to the agents of its site, through --broker or MUNISCAN_BROKER_URL."""
    try:
        job = set_route(state(ctx).store(), name, not off, broker)
    except (AgentError, ScheduleError) as exc:
        fail(str(exc))
    console.print(f"job {name}: " + ("runs on the central node" if off else f"dispatched to site {job.site}"))
