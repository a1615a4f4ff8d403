"""FTP: the greeting, whether explicit TLS is offered, and whether an anonymous login is accepted.

Safe: one anonymous login attempt (the convention every FTP server expects), nothing is listed,
read or written, and the probe says QUIT.
"""

import asyncio

from muniscan.facts.ftp import FtpFacts
from muniscan.policies.schema import Intrusiveness, Policy
from muniscan.scanner.gate import Connection, Gate
from muniscan.scanner.probes.base import ProbeSpec, ProtocolError, ServiceTarget
from muniscan.text import terminal_safe

ANONYMOUS_PASSWORD = "muniscan@example.invalid"




async def read_line(conn: Connection) -> bytes:
    return await asyncio.wait_for(conn.reader.readline(), conn.read_timeout)


async def read_reply(conn: Connection) -> tuple[int, str]:
    """One FTP reply, following multi-line replies ("123-" ... "123 ") to their end."""
    lines: list[str] = []
    while True:
        raw = await read_line(conn)
        if not raw:
            raise ProtocolError("connection closed mid-reply")
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        lines.append(line)
        if len(line) >= 4 and line[:3].isdigit() and line[3] == " " and (len(lines) == 1 or line[:3] == lines[0][:3]):
            return int(line[:3]), "\n".join(lines)
        if len(lines) == 1 and not (line[:3].isdigit() and line[3:4] == "-"):
            raise ProtocolError(f"not an FTP reply: {terminal_safe(line, 60)!r}")
        if len(lines) > 200:
            raise ProtocolError("endless FTP reply")


async def command(conn: Connection, text: str) -> tuple[int, str]:
    await conn.send(text.encode() + b"\r\n")
    return await read_reply(conn)


async def probe_ftp(gate: Gate, target: ServiceTarget, policy: Policy) -> FtpFacts:
    async with gate.tcp(target.address, target.port) as conn:
        code, greeting = await read_reply(conn)
        if code != 220:
            raise ProtocolError(f"FTP greeting {code}")
        feat_code, feat = await command(conn, "FEAT")
        features = tuple(line.strip().upper() for line in feat.splitlines()[1:-1]) if feat_code == 211 else ()
        code, reply = await command(conn, "USER anonymous")
        if code == 331:
            code, reply = await command(conn, f"PASS {ANONYMOUS_PASSWORD}")
        accepted = code == 230
        await conn.send(b"QUIT\r\n")
    return FtpFacts(
        banner=terminal_safe(greeting, 200),
        anonymous_accepted=accepted,
        anonymous_reply=terminal_safe(reply.splitlines()[-1], 120),
        auth_tls_offered=any(f.startswith("AUTH") and "TLS" in f for f in features),
        features=tuple(terminal_safe(f, 40) for f in features[:30]),
    )


PROBE = ProbeSpec(
    name="ftp",
    intrusiveness=Intrusiveness.SAFE,
    facts_type=FtpFacts,
    applies=lambda t: t.transport == "tcp" and t.name == "ftp",
    run=probe_ftp,
    description="FTP greeting, explicit TLS support and one anonymous login attempt",
)
