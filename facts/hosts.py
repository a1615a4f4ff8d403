"""What a scan saw of one host: its open services with their probe attempts, and host-level attempts."""

from dataclasses import dataclass, field
from typing import Any

from muniscan.facts.attempt import Attempt


@dataclass
class ServiceRecord:
    port: int
    name: str
    tls: bool
    banner: bytes
    attempts: list[Attempt[Any]] = field(default_factory=list)
    transport: str = "tcp"


@dataclass
class HostRecord:
    address: str
    services: list[ServiceRecord]
    mac: str | None = None
    # Host-level facts (ARP reply, ping, nmap's MAC vendor) recorded as observations without a service.
    attempts: list[Attempt[Any]] = field(default_factory=list)
    alive: bool = False  # answered host discovery (ARP, ping) even with no open port

    @property
    def answered(self) -> bool:
        return self.alive or bool(self.services)
