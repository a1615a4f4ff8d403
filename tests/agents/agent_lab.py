"""The agent tests' loopback device, policy and waits, shared by the test modules and the fixtures."""

import socketserver
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dramatiq.brokers.redis import RedisBroker
from sqlmodel import select

from muniscan.agents.dispatch import job_message
from muniscan.agents.records import record_queued
from muniscan.agents.registry import register_policy
from muniscan.policies import Policy
from muniscan.store import Store
from muniscan.store.models import AgentRun

REDIS = "redis://127.0.0.1:6379/0"
DEVICE = "127.88.4.1"
OTHER = "127.88.4.2"  # in no test policy's scope unless a test says so
AGENT_SCOPE = "127.88.4.0/29"  # the in-process agent's own scope: DEVICE and OTHER, nothing else
OUTSIDE_AGENT = "127.88.5.1"  # a listener outside the agent's own scope
TELNET = 2323
SITE = "north"


class TelnetLike(socketserver.ThreadingTCPServer):
    """Greets like a telnet login prompt and counts every connection it was offered."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, address: str, port: int) -> None:
        self.connections = 0
        super().__init__((address, port), _Greeter)


@contextmanager
def serving(address: str, port: int = TELNET) -> Iterator[TelnetLike]:
    """A TelnetLike device on `address` for the length of the block."""
    server = TelnetLike(address, port)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


class _Greeter(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.server.connections += 1  # type: ignore[attr-defined]
        self.request.settimeout(2)
        try:
            self.request.sendall(b"\r\nBusybox v1.2 telnetd\r\nlogin: ")
            self.request.recv(1024)
        except OSError:
            pass


def write_policy(
    folder: Path, include: str = DEVICE, rate: str = "rate:\n  connect_timeout: 1.0\n  read_timeout: 1.0\n"
) -> Path:
    path = folder / "agent-policy.yaml"
    path.write_text(
        f"name: agent-test\nscope:\n  include: [{include}]\n  never_touch_ports: ['2024']\n"
        f"discovery:\n  tcp_ports: [{TELNET}]\n  udp_ports: []\n" + rate,
        encoding="utf-8",
    )
    return path


def queue_recorded(
    store: Store, broker: RedisBroker, policy: Policy, targets: list[str], time_limit: float | None = None
) -> str:
    """Register, record and queue a job as the central node does, minus its scope check, so that what a test
    sees is the agent's own checking. Returns the message id."""
    message = job_message(SITE)
    record_queued(
        store,
        AgentRun(
            message_id=message.message_id,
            site=SITE,
            policy_name=policy.name,
            policy_hash=register_policy(store, policy),
            targets=targets,
            time_limit=time_limit,
        ),
    )
    broker.enqueue(message)
    return message.message_id


def redis_keys(broker: RedisBroker, namespace: str) -> list[bytes]:
    return list(broker.client.scan_iter(match=f"{namespace}:*"))


def wait_finished(store: Store, message_id: str, timeout: float = 30.0) -> AgentRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with store.session() as session:
            run = session.exec(select(AgentRun).where(AgentRun.message_id == message_id)).first()
        if run is not None and run.status in ("completed", "failed"):
            return run
        time.sleep(0.1)
    raise AssertionError(f"message {message_id} was not finished within {timeout} s")
