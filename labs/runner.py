"""Start, stop and list labs; a lab remembers its process by PID in its state folder."""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from muniscan.labs.topology import Topology, load_topology
from muniscan.paths import lab_state_dir

SERVE_MODULE = "muniscan.labs.serve"


class LabError(RuntimeError):
    """A lab that cannot be started or stopped; the message says why."""


@dataclass(frozen=True)
class LabState:
    name: str
    topology: str
    pid: int
    folder: Path

    @property
    def alive(self) -> bool:
        return _is_our_process(self.pid)


def _state_folder(name: str) -> Path:
    return lab_state_dir() / name


def _is_our_process(pid: int) -> bool:
    """True only for a live lab process: a recycled PID belonging to anything else is not ours."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return SERVE_MODULE.encode() in cmdline


def read_state(name: str) -> LabState | None:
    path = _state_folder(name) / "state.json"
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return LabState(data["name"], data["topology"], data["pid"], path.parent)


def running_labs() -> list[LabState]:
    states = (read_state(p.name) for p in sorted(lab_state_dir().iterdir()) if p.is_dir())
    return [s for s in states if s is not None]


def up(topology_ref: str, timeout: float = 60.0) -> tuple[Topology, LabState]:
    topology = load_topology(topology_ref)
    existing = read_state(topology.name)
    if existing and existing.alive:
        raise LabError(
            f"lab '{topology.name}' is already up (pid {existing.pid}); run `muniscan lab down {topology.name}` first"
        )
    folder = _state_folder(topology.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    output = (folder / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", SERVE_MODULE, topology_ref, str(folder)],
        stdout=output,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    state = LabState(topology.name, topology_ref, process.pid, folder)
    (folder / "state.json").write_text(json.dumps({"name": state.name, "topology": topology_ref, "pid": process.pid}))
    deadline = time.monotonic() + timeout
    while not (folder / "ready").exists():
        if process.poll() is not None or (folder / "failed").exists() or time.monotonic() > deadline:
            reason = (
                (folder / "failed").read_text().strip()
                if (folder / "failed").exists()
                else (f"exited with {process.returncode}" if process.poll() is not None else "timed out")
            )
            down(topology.name)
            raise LabError(f"lab '{topology.name}' did not start: {reason} (log: {folder / 'serve.log'})")
        time.sleep(0.05)
    return topology, state


def down(name: str, timeout: float = 10.0) -> bool:
    """Stop a lab and remove its state; safe to run twice. Returns whether anything was running."""
    state = read_state(name)
    if state is None:
        shutil.rmtree(_state_folder(name), ignore_errors=True)
        return False
    was_alive = state.alive
    if was_alive:
        os.kill(state.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _is_our_process(state.pid) and time.monotonic() < deadline:
            _reap(state.pid)
            time.sleep(0.05)
        if _is_our_process(state.pid):
            os.killpg(state.pid, signal.SIGKILL)
        _reap(state.pid)
    shutil.rmtree(state.folder, ignore_errors=True)
    return was_alive


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def answering(topology: Topology, connect_timeout: float = 0.5) -> dict[str, list[int]]:
    """The ports of each device that accept a connection (the lab checks its own addresses)."""
    result: dict[str, list[int]] = {}
    for device in topology.devices:
        result[device.name] = []
        for service in device.services:
            with socket.socket() as sock:
                sock.settimeout(connect_timeout)
                if sock.connect_ex((device.address, service.port)) == 0:
                    result[device.name].append(service.port)
    return result
