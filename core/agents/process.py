"""`agent run` as one or more processes; SIGINT or SIGTERM stops each worker gracefully."""

import multiprocessing
import signal
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

from muniscan.agents.ceiling import AgentCeiling, agent_ceiling
from muniscan.agents.leases import DEFAULT_HEARTBEAT, DEFAULT_LEASE
from muniscan.agents.worker import serve
from muniscan.logging_setup import LogLevel, setup_logging
from muniscan.policies.schema import Intrusiveness


@dataclass(frozen=True)
class AgentLimits:
    """The agent's caps: a job asking for more is refused."""

    max_intrusiveness: Intrusiveness = Intrusiveness.SAFE
    max_packets_per_second: float = 500.0
    max_per_host_concurrency: int = 2
    max_global_concurrency: int = 128
    ports: tuple[str, ...] = ()  # empty: any port that is not never-touch


@dataclass(frozen=True)
class AgentConfig:
    store_url: str
    broker_url: str
    namespace: str
    site: str
    scope: tuple[str, ...]  # the agent's own ceiling: networks of its segment
    never_touch_ports: tuple[str, ...] = ()
    limits: AgentLimits = field(default_factory=lambda: AgentLimits())
    name: str | None = None
    threads: int = 1
    stop_timeout: float = 60.0
    log_level: str | None = None  # a spawned child sets up logging as the parent did
    log_file: str | None = None
    heartbeat: float = DEFAULT_HEARTBEAT  # seconds between heartbeats
    lease: float = DEFAULT_LEASE  # a job whose agent has not beaten for this long is lost


def ceiling_of(config: AgentConfig) -> AgentCeiling:
    limits = config.limits
    return agent_ceiling(
        list(config.scope),
        list(config.never_touch_ports),
        limits.max_intrusiveness,
        limits.max_packets_per_second,
        limits.max_per_host_concurrency,
        limits.max_global_concurrency,
        list(limits.ports) or None,
    )


def _stop_on_signals(stop: threading.Event) -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())


def _serve(config: AgentConfig, stop: threading.Event) -> None:
    ceiling = ceiling_of(config)
    serve(
        config.store_url,
        config.broker_url,
        config.namespace,
        config.site,
        ceiling,
        config.name,
        config.threads,
        stop,
        config.stop_timeout,
        config.heartbeat,
        config.lease,
    )


def _child(config: AgentConfig) -> None:
    setup_logging(
        LogLevel(config.log_level) if config.log_level else None, Path(config.log_file) if config.log_file else None
    )
    stop = threading.Event()
    _stop_on_signals(stop)
    _serve(config, stop)


def run_agent(config: AgentConfig, processes: int = 1) -> None:
    """Serve until signalled; with several processes each is a spawned child (own store engine and broker
    connection) that receives the stop signal from this one."""
    stop = threading.Event()
    _stop_on_signals(stop)
    if processes == 1:
        _serve(config, stop)
        return
    spawn = multiprocessing.get_context("spawn")
    named = [replace(config, name=f"{config.name}.{i}" if config.name else None) for i in range(processes)]
    children = [spawn.Process(target=_child, args=(c,), name=f"muniscan-agent-{i}") for i, c in enumerate(named)]
    for child in children:
        child.start()
    while not stop.wait(1.0):
        if not any(child.is_alive() for child in children):
            break
    for child in children:
        if child.is_alive() and child.pid is not None:
            child.terminate()  # SIGTERM: the child's own graceful stop
    for child in children:
        child.join()
