"""PostgreSQL: does the server ask for a password? One SSLRequest, then one startup message for a
made-up role, read up to the server's first answer; no password is ever sent.

A server that asks a made-up role for a password (cleartext, MD5 or SCRAM) authenticates; one that
answers AuthenticationOk (or "role does not exist") skipped authentication (trust), so anyone who
knows a real role name (postgres, a vendor's) is let in. Safe: the connection is closed before any login completes.
"""

import secrets
import struct

from muniscan.facts.postgres import PostgresFacts
from muniscan.policies.schema import Intrusiveness, Policy
from muniscan.scanner.gate import Gate
from muniscan.scanner.probes.base import ProbeSpec, ProtocolError, ServiceTarget
from muniscan.text import terminal_safe

POSTGRES_PORTS = frozenset({5432})
SSL_REQUEST = struct.pack(">II", 8, 80877103)
# AuthenticationOk for a role that does not exist: trust (the missing role is reported only after it).
AUTH_CODES = {0: "trust", 3: "password", 5: "md5", 10: "scram"}
ROLE_MISSING = "42704"  # undefined_object: PostgreSQL reports a missing role this way after trust


def startup(role: str) -> bytes:
    body = struct.pack(">I", 196608) + b"".join(f"{k}\0{v}\0".encode() for k, v in (("user", role), ("database", role)))
    return struct.pack(">I", len(body) + 5) + body + b"\0"


def error_fields(body: bytes) -> dict[str, str]:
    fields = {}
    for part in body.split(b"\0"):
        if part:
            fields[chr(part[0])] = part[1:].decode("utf-8", "replace")
    return fields


def judge_answer(kind: bytes, body: bytes) -> tuple[str, str | None, str | None]:
    if kind == b"R" and len(body) >= 4:
        return AUTH_CODES.get(struct.unpack(">I", body[:4])[0], "other"), None, None
    if kind == b"E":
        fields = error_fields(body)
        code, message = fields.get("C"), terminal_safe(fields.get("M", ""), 160)
        if code == "28000" and "pg_hba.conf" in message:
            return "rejected", code, message
        if code in {ROLE_MISSING, "28000"} and "does not exist" in message:
            return "trust", code, message
        return "other", code, message
    raise ProtocolError(f"not a PostgreSQL answer: {kind!r}")


async def probe_postgres(gate: Gate, target: ServiceTarget, policy: Policy) -> PostgresFacts:
    async with gate.tcp(target.address, target.port) as conn:
        await conn.send(SSL_REQUEST)
        answer = await conn.read_exactly(1)
    if answer not in (b"S", b"N"):
        raise ProtocolError("no answer to SSLRequest")
    role = f"muniscan_probe_{secrets.token_hex(4)}"
    async with gate.tcp(target.address, target.port) as conn:
        await conn.send(startup(role))
        kind = await conn.read_exactly(1)
        length = struct.unpack(">I", await conn.read_exactly(4))[0]
        if not 4 <= length <= 8192:
            raise ProtocolError(f"implausible PostgreSQL message length {length}")
        body = await conn.read_exactly(length - 4)
        await conn.send(b"X\0\0\0\x04")  # Terminate
    authentication, sqlstate, message = judge_answer(kind, body)
    return PostgresFacts(
        answer == b"S", authentication, sqlstate, message.replace(role, "<made-up role>") if message else None
    )


PROBE = ProbeSpec(
    name="postgres",
    intrusiveness=Intrusiveness.SAFE,
    facts_type=PostgresFacts,
    applies=lambda t: t.transport == "tcp" and (t.name == "postgresql" or (t.port in POSTGRES_PORTS and not t.banner)),
    run=probe_postgres,
    description="PostgreSQL: SSLRequest, and whether a made-up role is asked for a password (never sent)",
)
