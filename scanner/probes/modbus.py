"""Modbus/TCP: does the device answer an unauthenticated client? One Read Device Identification (43/14).

The probe sends exactly one read request; it never writes a coil or register.
"""

import secrets
import struct

from muniscan.facts.modbus import ModbusFacts
from muniscan.policies.schema import Intrusiveness, Policy
from muniscan.scanner.gate import Gate
from muniscan.scanner.probes.base import ProbeSpec, ProtocolError, ServiceTarget
from muniscan.text import terminal_safe

MODBUS_PORT = 502
UNIT_ID = 1
READ_DEVICE_ID = 0x2B
MEI_DEVICE_ID = 0x0E
REGULAR_ACCESS = 0x02  # basic objects (vendor, product code, revision) and regular ones (URL, names)
OBJECT_NAMES = {0: "vendor_name", 1: "product_code", 2: "revision", 3: "vendor_url", 4: "product_name", 5: "model_name"}


def device_id_request(transaction: int) -> bytes:
    pdu = bytes([READ_DEVICE_ID, MEI_DEVICE_ID, REGULAR_ACCESS, 0x00])
    return struct.pack(">HHHB", transaction, 0, len(pdu) + 1, UNIT_ID) + pdu


def parse_device_id(transaction: int, header: bytes, pdu: bytes) -> ModbusFacts:
    got_transaction, protocol, _, _ = struct.unpack(">HHHB", header)
    if got_transaction != transaction or protocol != 0 or not pdu:
        raise ProtocolError("a reply that is not this Modbus/TCP transaction")
    if pdu[0] == READ_DEVICE_ID | 0x80:
        return ModbusFacts(True, exception_code=pdu[1] if len(pdu) > 1 else None)
    if pdu[0] != READ_DEVICE_ID or len(pdu) < 7 or pdu[1] != MEI_DEVICE_ID:
        raise ProtocolError(f"unexpected Modbus function {pdu[0]:#x}")
    objects, offset = {}, 7
    for _ in range(pdu[6]):
        if offset + 2 > len(pdu):
            break
        object_id, size = pdu[offset], pdu[offset + 1]
        raw = pdu[offset + 2 : offset + 2 + size]
        try:  # the standard says ASCII; devices in the wild send UTF-8 or Latin-1
            value = raw.decode("utf-8")
        except UnicodeDecodeError:
            value = raw.decode("latin-1")
        if object_id in OBJECT_NAMES:
            objects[OBJECT_NAMES[object_id]] = terminal_safe(value, limit=128)
        offset += 2 + size
    return ModbusFacts(True, **objects)


async def probe_modbus(gate: Gate, target: ServiceTarget, policy: Policy) -> ModbusFacts:
    transaction = secrets.randbelow(0x10000)
    async with gate.tcp(target.address, target.port) as conn:
        await conn.send(device_id_request(transaction))
        try:
            header = await conn.read_exactly(7)
        except EOFError:
            return ModbusFacts(False)  # closed on us without a word: it does not serve this client
        length = struct.unpack(">H", header[4:6])[0]
        if not 2 <= length <= 260:
            raise ProtocolError(f"implausible Modbus/TCP length {length}")
        pdu = await conn.read_exactly(length - 1)
    return parse_device_id(transaction, header, pdu)


PROBE = ProbeSpec(
    name="modbus",
    intrusiveness=Intrusiveness.SAFE,
    facts_type=ModbusFacts,
    applies=lambda t: t.transport == "tcp" and (t.port == MODBUS_PORT or t.name == "modbus"),
    run=probe_modbus,
    description="One Modbus Read Device Identification (43/14) request; never a write",
)
