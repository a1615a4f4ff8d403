"""What the arp probe records (see `muniscan.scanner` for how)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ArpFacts:
    mac: str
    interface: str
