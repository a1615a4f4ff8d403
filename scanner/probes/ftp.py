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


# A device decides how long its replies are; reading is bounded so a hostile or broken one (a FEAT reply over
# 64 KB once made the probe fail and hid anonymous FTP) costs little and hides nothing.
LINE_KEPT = 1024  # characters kept of one line; the rest of the line is read and dropped
LINES_KEPT = 200  # lines kept of one reply
REPLY_BYTES = 1 << 20  # a reply longer than this is not read to its end


async def read_line(conn: Connection) -> bytes:
    """One line, of which the first LINE_KEPT bytes are kept; b"" at end of stream."""
    kept = bytearray()
    while True:
        try:
            chunk, done = await asyncio.wait_for(conn.reader.readuntil(b"\n"), conn.read_timeout), True
        except asyncio.LimitOverrunError as exc:  # a line longer than the stream's buffer: take what is there
            chunk, done = await asyncio.wait_for(conn.reader.readexactly(exc.consumed), conn.read_timeout), False
        except asyncio.IncompleteReadError as exc:
            chunk, done = exc.partial, True
        kept += chunk[: max(0, LINE_KEPT - len(kept))]
        if done:
            return bytes(kept)


async def read_reply(conn: Connection) -> tuple[int, str]:
    """One FTP reply, following multi-line replies ("123-" ... "123 ") to their end; the first LINES_KEPT lines
    are kept, and a reply longer than REPLY_BYTES is refused."""
    lines: list[str] = []
    first, size, count = "", 0, 0
    while True:
        raw = await read_line(conn)
        count += 1
        if not raw:
            raise ProtocolError("connection closed mid-reply")
        size += len(raw)
        if size > REPLY_BYTES:
            raise ProtocolError(f"FTP reply longer than {REPLY_BYTES} bytes")
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        first = line if count == 1 else first
        if len(line) >= 4 and line[:3].isdigit() and line[3] == " " and (count == 1 or line[:3] == first[:3]):
            return int(line[:3]), "\n".join([*lines[: LINES_KEPT - 1], line])
        if count == 1 and not (line[:3].isdigit() and line[3:4] == "-"):
            raise ProtocolError(f"not an FTP reply: {terminal_safe(line, 60)!r}")
        lines.append(line)


async def command(conn: Connection, text: str) -> tuple[int, str]:
    await conn.send(text.encode() + b"\r\n")
    return await read_reply(conn)


async def greeting(conn: Connection) -> str:
    code, text = await read_reply(conn)
    if code != 220:
        raise ProtocolError(f"FTP greeting {code}")
    return text


async def anonymous_login(conn: Connection) -> tuple[int, str]:
    """The final reply to USER anonymous (and PASS, when asked): 230 when the login was accepted."""
    code, reply = await command(conn, "USER anonymous")
    if code == 331:
        code, reply = await command(conn, f"PASS {ANONYMOUS_PASSWORD}")
    return code, reply


async def probe_ftp(gate: Gate, target: ServiceTarget, policy: Policy) -> FtpFacts:
    """The anonymous login comes before FEAT, and FEAT may fail: a device's feature list never hides the login."""
    async with gate.tcp(target.address, target.port) as conn:
        greeted = await greeting(conn)
        code, reply = await anonymous_login(conn)
        accepted = code == 230
        try:
            feat_code, feat = await command(conn, "FEAT")
        except (ProtocolError, TimeoutError):
            feat_code, feat = 0, ""
        features = tuple(line.strip().upper() for line in feat.splitlines()[1:-1]) if feat_code == 211 else ()
        await conn.send(b"QUIT\r\n")
    return FtpFacts(
        banner=terminal_safe(greeted, 200),
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
