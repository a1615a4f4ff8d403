"""What the ping probe records (see `muniscan.scanner` for how)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PingFacts:
    method: str  # "icmp" or "tcp"
    rtt_ms: float
    port: int | None = None
