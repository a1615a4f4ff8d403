"""Given a lab PLC, the modbus probe reads its identification once and never writes."""

import asyncio
from pathlib import Path

import pytest
from pymodbus.client import AsyncModbusTcpClient

from muniscan.facts.attempt import AttemptStatus
from muniscan.scanner.probes.base import ServiceTarget
from muniscan.scanner.probes.modbus import PROBE
from tests.lab_device import running

from .conftest import lab_address, run_probe

ADDRESS = lab_address(5)
TARGET = ServiceTarget(ADDRESS, 502, name="modbus")
PLC = {"vendor": "Flödeskontroll", "model": "FK-PLC 7", "firmware": "2.4.1"}
CASES = [
    # config, exception code, vendor name
    ({}, None, "Flödeskontroll"),
    ({"identity": {"vendor_name": "Schneider-like", "product_code": "M221"}}, None, "Schneider-like"),
    ({"device_identification": False}, 1, ""),
]


@pytest.mark.parametrize(("config", "exception", "vendor"), CASES)
def test_probe_reads_identification_with_one_request(tmp_path: Path, config, exception, vendor: str) -> None:
    async def scenario():
        async with running(tmp_path, "modbus", ADDRESS, 502, config, **PLC) as lab:
            return await run_probe(PROBE, TARGET), lab.log()

    result, log = asyncio.run(scenario())
    assert result.status is AttemptStatus.COMPLETED, result.reason
    assert result.facts.answered and result.facts.exception_code == exception
    assert result.facts.vendor_name == vendor
    assert [r["function"] for r in log if r["event"] == "request"] == [0x2B]  # one read, no write


def test_two_plcs_in_one_process_keep_their_own_identities(tmp_path: Path) -> None:
    other = lab_address(11)

    async def scenario():
        pump = {"vendor": "Pumpteknik", "model": "P-3", "firmware": "1"}
        async with (
            running(tmp_path, "modbus", ADDRESS, 502, {}, **PLC),
            running(tmp_path, "modbus", other, 502, {}, **pump),
        ):
            return await run_probe(PROBE, TARGET), await run_probe(PROBE, ServiceTarget(other, 502))

    first, second = asyncio.run(scenario())
    assert (first.facts.vendor_name, second.facts.vendor_name) == ("Flödeskontroll", "Pumpteknik")


def test_bad_configuration_any_client_reads_registers_with_pymodbus(tmp_path: Path) -> None:
    async def scenario():
        async with running(tmp_path, "modbus", ADDRESS, 502, {"holding_registers": [142, 215, 1]}, **PLC):
            client = AsyncModbusTcpClient(ADDRESS, port=502, timeout=2)
            await client.connect()
            try:
                return await client.read_holding_registers(0, count=3, device_id=1)
            finally:
                client.close()

    reply = asyncio.run(scenario())
    assert not reply.isError() and reply.registers == [142, 215, 1]
