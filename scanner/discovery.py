"""TCP-connect discovery over a port list, keeping each open port's greeting."""

import asyncio
from dataclasses import dataclass

from muniscan.scanner.gate import Gate

BANNER_LIMIT = 4096
BANNER_IDLE = 0.6


@dataclass(frozen=True)
class OpenPort:
    address: str
    port: int
    banner: bytes


async def connect_and_greet(gate: Gate, address: str, port: int) -> OpenPort | None:
    """Open port with its greeting, or None when closed or silent-filtered after the retries."""
    for _ in range(gate.rate.retries + 1):
        try:
            async with gate.tcp(address, port) as conn:
                banner = await conn.read_some(BANNER_LIMIT, idle=BANNER_IDLE, total=gate.rate.read_timeout)
                return OpenPort(address, port, banner)
        except TimeoutError:
            continue  # filtered or slow: try again, up to the policy's retries
        except (ConnectionError, OSError):
            return None
    return None


async def discover_host(gate: Gate, address: str, ports: list[int]) -> list[OpenPort]:
    results = await asyncio.gather(*(connect_and_greet(gate, address, p) for p in ports))
    return [r for r in results if r is not None]
