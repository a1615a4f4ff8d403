"""ADB over TCP: is an Android debug bridge listening, and does it open without a key?

Sends one CNXN and reads the answer; never opens a shell or any other stream.
"""

import struct

from muniscan.facts.adb import AdbFacts
from muniscan.policies.schema import Intrusiveness, Policy
from muniscan.scanner.gate import Gate
from muniscan.scanner.probes.base import ProbeSpec, ProtocolError, ServiceTarget
from muniscan.text import terminal_safe

ADB_PORT = 5555
A_CNXN, A_AUTH = 0x4E584E43, 0x48545541
VERSION, MAX_DATA = 0x01000000, 4096
BANNER_FIELDS = ("ro.product.name", "ro.product.model", "ro.product.device")


def cnxn() -> bytes:
    payload = b"host::features=shell_v2,cmd\x00"
    header = (A_CNXN, VERSION, MAX_DATA, len(payload), sum(payload) & 0xFFFFFFFF, A_CNXN ^ 0xFFFFFFFF)
    return struct.pack("<6I", *header) + payload


def banner_fields(payload: bytes) -> dict[str, str]:
    text = payload.decode("utf-8", "replace").rstrip("\x00")
    _, _, properties = text.partition("::")
    found = dict(item.split("=", 1) for item in properties.split(";") if "=" in item)
    return {key.rsplit(".", 1)[-1]: terminal_safe(found[key], limit=80) for key in BANNER_FIELDS if key in found}


async def probe_adb(gate: Gate, target: ServiceTarget, policy: Policy) -> AdbFacts:
    async with gate.tcp(target.address, target.port) as conn:
        await conn.send(cnxn())
        command, _, _, length, _, magic = struct.unpack("<6I", await conn.read_exactly(24))
        if magic != command ^ 0xFFFFFFFF or command not in (A_CNXN, A_AUTH) or length > MAX_DATA * 64:
            raise ProtocolError("not an ADB answer")
        payload = await conn.read_exactly(length) if length else b""
    if command == A_AUTH:
        return AdbFacts(auth_required=True, connected=False)
    fields = banner_fields(payload)
    return AdbFacts(False, True, fields.get("model", ""), fields.get("name", ""), fields.get("device", ""))


PROBE = ProbeSpec(
    name="adb",
    intrusiveness=Intrusiveness.SAFE,
    facts_type=AdbFacts,
    applies=lambda t: t.transport == "tcp" and (t.port == ADB_PORT or t.name == "adb"),
    run=probe_adb,
    description="One ADB CNXN: does the debug bridge answer with its banner or ask for a key",
)
