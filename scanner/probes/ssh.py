"""SSH: the greeting, the algorithms the server offers in its KEXINIT, and its host key fingerprint.

The probe speaks SSH itself through the gate: version exchange, KEXINIT, and one key-exchange
round so the server shows its host key; it never authenticates and leaves before NEWKEYS.
Which offered algorithms are weak is judged by the checks (`muniscan.checks.ssh_grading`).
"""

import asyncio
import base64
import hashlib
import os
import struct

from cryptography.hazmat.primitives.asymmetric import ec, x25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from muniscan.facts.ssh import SshFacts
from muniscan.policies.schema import Intrusiveness, Policy
from muniscan.scanner.gate import Connection, Gate
from muniscan.scanner.probes.base import ProbeSpec, ProtocolError, ServiceTarget
from muniscan.text import terminal_safe

CLIENT_IDENT = b"SSH-2.0-muniscan\r\n"
MSG_KEXINIT, MSG_KEXDH_INIT, MSG_KEXDH_REPLY = 20, 30, 31
# The Oakley/MODP groups 2 and 14 (RFC 2409, RFC 3526), generator 2.
GROUP1_PRIME = int(
    "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a08798e3404dd"
    "ef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7ed"
    "ee386bfb5a899fa5ae9f24117c4b1fe649286651ece65381ffffffffffffffff",
    16,
)
GROUP14_PRIME = int(
    "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a08798e3404dd"
    "ef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7ed"
    "ee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf0598da48361c55d39a69163fa8fd24cf5f"
    "83655d23dca3ad961c62f356208552bb9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3b"
    "e39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf6955817183995497cea956ae515d2261898fa0510"
    "15728e5a8aacaa68ffffffffffffffff",
    16,
)
DH_GROUPS = {
    "diffie-hellman-group14-sha256": GROUP14_PRIME,
    "diffie-hellman-group14-sha1": GROUP14_PRIME,
    "diffie-hellman-group1-sha1": GROUP1_PRIME,
}
ECDH_KEX = ("curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256")


def _string(data: bytes, offset: int) -> tuple[bytes, int]:
    size = struct.unpack("!I", data[offset : offset + 4])[0]
    return data[offset + 4 : offset + 4 + size], offset + 4 + size


def _name_list(names: list[str]) -> bytes:
    encoded = ",".join(names).encode()
    return struct.pack("!I", len(encoded)) + encoded


def _mpint(value: int) -> bytes:
    raw = value.to_bytes((value.bit_length() + 8) // 8, "big") if value else b""
    return struct.pack("!I", len(raw)) + raw


def packet(payload: bytes) -> bytes:
    """An unencrypted SSH binary packet (before NEWKEYS)."""
    padding = 8 - (len(payload) + 5) % 8
    padding += 8 if padding < 4 else 0
    return struct.pack("!IB", len(payload) + padding + 1, padding) + payload + os.urandom(padding)


async def read_packet(conn: Connection) -> bytes:
    length = struct.unpack("!I", await conn.read_exactly(4))[0]
    if not 5 <= length <= 65536:
        raise ProtocolError(f"implausible SSH packet length {length}")
    body = await conn.read_exactly(length)
    return body[1 : length - body[0]]


def parse_kexinit(payload: bytes) -> list[tuple[str, ...]]:
    """The ten name-lists of a KEXINIT payload."""
    if not payload or payload[0] != MSG_KEXINIT:
        raise ProtocolError("expected KEXINIT")
    lists, offset = [], 17
    try:
        for _ in range(10):
            raw, offset = _string(payload, offset)
            lists.append(tuple(n for n in raw.decode("ascii", "replace").split(",") if n))
    except struct.error:
        raise ProtocolError("truncated KEXINIT") from None
    return lists


async def read_ident(conn: Connection) -> str:
    """The server's identification line, skipping any lines it sends before it (RFC 4253 4.2)."""
    for _ in range(10):
        line = await asyncio.wait_for(conn.reader.readline(), conn.read_timeout)
        if not line:
            raise ProtocolError("no SSH identification")
        if line.startswith(b"SSH-"):
            return line.rstrip(b"\r\n").decode("utf-8", "replace")
    raise ProtocolError("no SSH identification in the first lines")


def host_key_facts(blob: bytes) -> tuple[str, int | None, str]:
    key_type_raw, offset = _string(blob, 0)
    key_type = key_type_raw.decode("ascii", "replace")
    bits: int | None = None
    if key_type == "ssh-rsa":
        _, offset = _string(blob, offset)  # e
        modulus, _ = _string(blob, offset)
        bits = int.from_bytes(modulus, "big").bit_length()
    elif key_type == "ssh-ed25519":
        bits = 256
    elif key_type.startswith("ecdsa-sha2-nistp"):
        bits = int(key_type.removeprefix("ecdsa-sha2-nistp"))
    fingerprint = "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")
    return key_type, bits, fingerprint


def _client_exchange_value(kex: str) -> bytes:
    """Our ephemeral public value for one round of key exchange (the secret is thrown away)."""
    if kex.startswith("curve25519"):
        public = x25519.X25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return struct.pack("!I", len(public)) + public
    if kex == "ecdh-sha2-nistp256":
        point = ec.generate_private_key(ec.SECP256R1()).public_key()
        public = point.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        return struct.pack("!I", len(public)) + public
    prime = DH_GROUPS[kex]
    return _mpint(pow(2, int.from_bytes(os.urandom(32), "big") | 1, prime))


async def _host_key(conn: Connection, server_lists: list[tuple[str, ...]]) -> bytes | None:
    kex = next((k for k in (*ECDH_KEX, *DH_GROUPS) if k in server_lists[0]), None)
    if kex is None:
        return None
    lists = [[kex], list(server_lists[1]), *[list(x) for x in server_lists[2:6]], ["none"], ["none"], [], []]
    body = bytes([MSG_KEXINIT]) + os.urandom(16) + b"".join(_name_list(x) for x in lists) + b"\x00" + b"\x00" * 4
    await conn.send(packet(body) + packet(bytes([MSG_KEXDH_INIT]) + _client_exchange_value(kex)))
    for _ in range(4):
        reply = await read_packet(conn)
        if reply and reply[0] == MSG_KEXDH_REPLY:
            blob, _ = _string(reply, 1)
            return blob
    return None


async def probe_ssh(gate: Gate, target: ServiceTarget, policy: Policy) -> SshFacts:
    async with gate.tcp(target.address, target.port) as conn:
        ident = await read_ident(conn)
        await conn.send(CLIENT_IDENT)
        lists = parse_kexinit(await read_packet(conn))
        key_type = bits = fingerprint = error = None
        try:
            blob = await _host_key(conn, lists)
            if blob is None:
                error = "no key exchange method this probe speaks"
            else:
                key_type, bits, fingerprint = host_key_facts(blob)
        except (ProtocolError, EOFError, TimeoutError, struct.error) as exc:
            error = f"host key not read: {type(exc).__name__}"
    banner = terminal_safe(ident, 200)
    return SshFacts(
        banner=banner,
        software=banner.split("-", 2)[-1] if banner.count("-") >= 2 else "",
        kex=lists[0],
        host_key_algorithms=lists[1],
        ciphers=lists[2],
        macs=lists[4],
        compression=lists[6],
        host_key_type=key_type,
        host_key_bits=bits,
        host_key_sha256=fingerprint,
        host_key_error=error,
    )


PROBE = ProbeSpec(
    name="ssh",
    intrusiveness=Intrusiveness.SAFE,
    facts_type=SshFacts,
    applies=lambda t: t.transport == "tcp" and (t.name == "ssh" or t.banner.startswith(b"SSH-")),
    run=probe_ssh,
    description="SSH greeting, offered KEX/host-key/cipher/MAC algorithms and the host key fingerprint",
)
