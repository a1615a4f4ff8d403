"""Which process runs a scan, and whether it still does: a scan left `running` by a process that died (kill -9,
a power cut) is marked `interrupted` by the next command that opens the store on the same host."""

import os
import socket
from pathlib import Path

from sqlmodel import Session, col, select

from muniscan.store.models import ScanRun, ScanStatus
from muniscan.store.models.common import utcnow


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (/proc), so a reused pid is not taken for it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def runner_id() -> str:
    """host:pid:start time of this process."""
    return f"{socket.gethostname()}:{os.getpid()}:{_start_time(os.getpid()) or '?'}"


def runner_gone(runner: str) -> bool:
    """True only when the runner was on this host and its process no longer exists; other hosts' scans are left."""
    parts = runner.rsplit(":", 2)
    if len(parts) != 3 or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return False
    started = _start_time(int(parts[1]))
    return started is None or (parts[2] != "?" and started != parts[2])


def mark_dead_scans_interrupted(session: Session) -> int:
    """Running scans whose process on this host is gone become interrupted, with the reason."""
    running = session.exec(
        select(ScanRun).where(col(ScanRun.status) == ScanStatus.RUNNING.value, col(ScanRun.runner).is_not(None))
    ).all()
    dead = [scan for scan in running if runner_gone(scan.runner or "")]
    for scan in dead:
        scan.status, scan.finished_at = ScanStatus.INTERRUPTED.value, utcnow()
        scan.error = f"the process running it ({scan.runner}) ended without finishing it"
        session.add(scan)
    if dead:
        session.commit()
    return len(dead)
