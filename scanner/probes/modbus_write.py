"""Modbus/TCP write access, proved without change: write holding register 0 with the value it holds.

Intrusive: a Write Single Register (function 6) is sent, carrying the value just read with function 3,
and the register is read again to show the device holds what it held.
"""

import secrets
import struct

from muniscan.facts.modbus_write import ModbusWriteFacts
from muniscan.facts.writes import WriteAttempt
from muniscan.policies.schema import Intrusiveness, Policy
from muniscan.scanner.gate import Connection, Gate
from muniscan.scanner.probes.base import ProbeSpec, ProtocolError, ServiceTarget
from muniscan.scanner.probes.modbus import MODBUS_PORT, UNIT_ID

READ_HOLDING = 0x03
WRITE_SINGLE = 0x06
REGISTER = 0


async def _exchange(conn: Connection, pdu: bytes) -> bytes:
    transaction = secrets.randbelow(0x10000)
    await conn.send(struct.pack(">HHHB", transaction, 0, len(pdu) + 1, UNIT_ID) + pdu)
    header = await conn.read_exactly(7)
    got, protocol, length, _unit = struct.unpack(">HHHB", header)
    if got != transaction or protocol != 0 or not 2 <= length <= 260:
        raise ProtocolError("a reply that is not this Modbus/TCP transaction")
    return await conn.read_exactly(length - 1)


async def _read(conn: Connection) -> int | None:
    reply = await _exchange(conn, struct.pack(">BHH", READ_HOLDING, REGISTER, 1))
    if reply[:1] == bytes([READ_HOLDING]) and len(reply) >= 4:
        return int(struct.unpack(">H", reply[2:4])[0])
    return None


async def probe_modbus_write(gate: Gate, target: ServiceTarget, policy: Policy) -> ModbusWriteFacts:
    async with gate.tcp(target.address, target.port) as conn:
        old = await _read(conn)
        if old is None:
            raise ProtocolError("holding register 0 cannot be read: nothing to write back")
        reply = await _exchange(conn, struct.pack(">BHH", WRITE_SINGLE, REGISTER, old))
        accepted = reply[:5] == struct.pack(">BHH", WRITE_SINGLE, REGISTER, old)  # the request echoed
        refused = reply[1] if reply[:1] == bytes([WRITE_SINGLE | 0x80]) and len(reply) > 1 else None
        if not accepted and refused is None:
            raise ProtocolError(f"unexpected answer to a register write: function {reply[:1].hex()}")
        after = await _read(conn) if accepted else None
    write = WriteAttempt(
        target=f"holding register {REGISTER} (unit {UNIT_ID})",
        via=f"function {WRITE_SINGLE}",
        old=str(old),
        new=str(old),
        accepted=accepted,
        after=None if after is None else str(after),
        restored=(after == old) if accepted else None,
    )
    return ModbusWriteFacts(UNIT_ID, write, refused)


PROBE = ProbeSpec(
    name="modbus_write",
    intrusiveness=Intrusiveness.INTRUSIVE,
    facts_type=ModbusWriteFacts,
    applies=lambda t: t.transport == "tcp" and (t.port == MODBUS_PORT or t.name == "modbus"),
    run=probe_modbus_write,
    description="Modbus write of holding register 0 with the value it holds (function 6), read back after",
)
