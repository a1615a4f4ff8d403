"""Redis: does it answer PING without a password? One PING and, when open, INFO server; no login tried.

Both commands only read, so the probe is safe; it never sends AUTH and never guesses a password.
"""

import re

from muniscan.facts.redis import RedisFacts
from muniscan.policies.schema import Intrusiveness, Policy
from muniscan.scanner.gate import Gate
from muniscan.scanner.probes.base import ProbeSpec, ProtocolError, ServiceTarget
from muniscan.text import terminal_safe

REDIS_PORTS = frozenset({6379, 6380})
PING = b"*1\r\n$4\r\nPING\r\n"
INFO_SERVER = b"*2\r\n$4\r\nINFO\r\n$6\r\nserver\r\n"
_VERSION = re.compile(rb"redis_version:([0-9][0-9A-Za-z.+-]{0,30})")


async def probe_redis(gate: Gate, target: ServiceTarget, policy: Policy) -> RedisFacts:
    async with gate.tcp(target.address, target.port) as conn:
        await conn.send(PING)
        reply = await conn.read_some(512, idle=0.3)
        if reply[:1] not in (b"+", b"-"):
            raise ProtocolError("no RESP answer to PING")
        first = reply.split(b"\r\n", 1)[0]
        text = first[1:].decode("latin-1")
        auth = first.startswith(b"-NOAUTH")
        denied = first.startswith(b"-DENIED")
        version = None
        if reply.startswith(b"+PONG"):
            await conn.send(INFO_SERVER)
            info = await conn.read_some(8192, idle=0.3)
            match = _VERSION.search(info)
            version = match.group(1).decode("ascii") if match else None
    return RedisFacts(answer=terminal_safe(text, 120), auth_required=auth, protected_mode=denied, version=version)


def _speaks_redis(target: ServiceTarget) -> bool:
    if target.transport != "tcp" or target.tls:
        return False
    return target.name == "redis" or (target.port in REDIS_PORTS and not target.banner)


PROBE = ProbeSpec(
    name="redis",
    intrusiveness=Intrusiveness.SAFE,
    facts_type=RedisFacts,
    applies=_speaks_redis,
    run=probe_redis,
    description="Redis: PING answered without a password (open) or NOAUTH (authenticated); server version",
)
