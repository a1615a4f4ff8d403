"""What every simulated service gets: its device, its settings, and a log of what it received."""

import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from muniscan.labs.topology import Device, ServiceSpec


class DeviceLog:
    """JSON lines of every connection and login a device saw, so tests can judge a scan's manners."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = path.open("a", encoding="utf-8", buffering=1)

    def write(self, device: str, service: str, event: str, **details: Any) -> None:
        record = {"at": round(time.time(), 3), "device": device, "service": service, "event": event}
        record.update(details)
        self._file.write(json.dumps(record, default=str) + "\n")

    def close(self) -> None:
        self._file.close()


@dataclass
class DeviceContext:
    device: Device
    service: ServiceSpec
    log: DeviceLog
    state_dir: Path

    def record(self, event: str, **details: Any) -> None:
        self.log.write(self.device.name, self.service.kind, event, port=self.service.port, **details)

    def setting(self, name: str, default: Any = None) -> Any:
        return self.service.config.get(name, default)


@dataclass
class Running:
    """A started service; `stop` releases its sockets."""

    stop: Callable[[], Awaitable[None]]


def read_log(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
