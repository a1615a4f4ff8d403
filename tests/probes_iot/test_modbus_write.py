"""Given Modbus/TCP devices that allow or refuse writes, modbus_write proves write access by writing
holding register 0 with the value it holds, and the register reads the same afterwards (pymodbus client)."""

import asyncio
import logging
import random
from pathlib import Path

import pytest
from pymodbus.client import AsyncModbusTcpClient

from muniscan.checks.catalogue import modbus_write_access
from muniscan.checks.model import Verdict
from muniscan.checks.views import ServiceView
from muniscan.facts.attempt import Attempt, AttemptStatus
from muniscan.policies.schema import Intrusiveness, Policy, Probes, Rate, Scope
from muniscan.scanner.probes import modbus_write
from muniscan.scanner.probes.base import ServiceTarget
from tests.lab_device import probe_through_gate, running

ADDRESS = f"127.102.3.{random.randint(10, 250)}"
PORT = 15020
REGISTERS = [417, 215, 1]
POLICY = Policy(
    name="modbus-write-test",
    scope=Scope(include=[ADDRESS], never_touch_ports=["515", "2024", "9100-9107", "9999"]),
    rate=Rate(connect_timeout=1.0, read_timeout=1.0, retries=0),
    probes=Probes(allow=[Intrusiveness.SAFE, Intrusiveness.INTRUSIVE]),
)
logging.getLogger("pymodbus").setLevel(logging.CRITICAL)


async def registers_as_a_client_reads_them() -> list[int]:
    client = AsyncModbusTcpClient(ADDRESS, port=PORT)
    await client.connect()
    try:
        reply = await client.read_holding_registers(0, count=len(REGISTERS), device_id=1)
        return list(reply.registers)
    finally:
        client.close()


def write_probe(tmp_path: Path, config: dict) -> tuple[Attempt, list[int], list[dict]]:
    async def scenario():
        async with running(tmp_path, "modbus", ADDRESS, PORT, {"holding_registers": REGISTERS, **config}) as lab:
            result = await probe_through_gate(modbus_write.PROBE, ServiceTarget(ADDRESS, PORT, name="modbus"), POLICY)
            return result, await registers_as_a_client_reads_them(), lab.log()

    return asyncio.run(scenario())


def judged(result: Attempt) -> Verdict:
    service = ServiceView(ADDRESS, "tcp", PORT, "modbus", False, "", {"modbus_write": result})
    return modbus_write_access.evaluate(service, POLICY).verdict


@pytest.mark.parametrize(("read_only", "verdict"), [(False, Verdict.FAIL), (True, Verdict.PASS)])
def test_write_access_is_proved_and_the_register_left_as_it_was(tmp_path: Path, read_only: bool, verdict) -> None:
    result, registers, log = write_probe(tmp_path, {"read_only": read_only})
    assert result.status is AttemptStatus.COMPLETED, result.reason
    write = result.facts.write
    assert (write.old, write.new, write.accepted) == ("417", "417", not read_only)
    assert write.restored is (None if read_only else True)
    assert (result.facts.exception_code is not None) is read_only
    assert registers == REGISTERS  # read by pymodbus' own client after the probe
    probe_requests = [e["function"] for e in log if e["event"] == "request"][:-1]  # the last: the client's read
    assert probe_requests == ([3, 6] if read_only else [3, 6, 3])
    assert judged(result) is verdict
