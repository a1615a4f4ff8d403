"""Given a lab camera and a lab ADB listener, the rtsp and adb probes see what real clients see."""

import asyncio
import hashlib
import re
import struct
from pathlib import Path

import pytest

from muniscan.facts.attempt import AttemptStatus
from muniscan.scanner.probes import adb, rtsp
from muniscan.scanner.probes.base import ServiceTarget
from tests.lab_device import running

from .conftest import lab_address, run_probe

CAMERA, DEBUG = lab_address(6), lab_address(7)
CAMERA_MODEL = {"vendor": "Kameravakt", "model": "KV-4", "firmware": "5.1"}
RTSP_CASES = [
    # config, open path, auth schemes
    ({"auth": "none"}, "/stream1", ()),
    ({"auth": "basic"}, None, ("Basic",)),
    ({"auth": "digest", "paths": ["/live"]}, None, ("Digest",)),
]


@pytest.mark.parametrize(("config", "open_path", "schemes"), RTSP_CASES)
def test_rtsp_probe_finds_open_and_protected_streams(tmp_path: Path, config, open_path, schemes) -> None:
    async def scenario():
        async with running(tmp_path, "rtsp", CAMERA, 554, config, **CAMERA_MODEL):
            return await run_probe(rtsp.PROBE, ServiceTarget(CAMERA, 554, name="rtsp"))

    result = asyncio.run(scenario())
    assert result.status is AttemptStatus.COMPLETED, result.reason
    assert (result.facts.open_path, result.facts.auth_schemes) == (open_path, schemes)
    assert result.facts.server == "Kameravakt KV-4 RTSP/5.1" and "DESCRIBE" in result.facts.methods


async def rtsp_request(address: str, request: str) -> str:
    reader, writer = await asyncio.open_connection(address, 554)
    writer.write(request.encode())
    data = await reader.readuntil(b"\r\n\r\n")
    writer.close()
    return data.decode()


def test_bad_configuration_open_camera_describes_its_stream_to_any_client(tmp_path: Path) -> None:
    async def scenario():
        async with running(tmp_path, "rtsp", CAMERA, 554, {"auth": "none"}, **CAMERA_MODEL):
            return await rtsp_request(CAMERA, f"DESCRIBE rtsp://{CAMERA}/stream1 RTSP/1.0\r\nCSeq: 1\r\n\r\n")

    assert asyncio.run(scenario()).startswith("RTSP/1.0 200")


def test_digest_camera_lets_in_only_the_right_password(tmp_path: Path) -> None:
    uri = f"rtsp://{CAMERA}/stream1"

    def describe(nonce: str, password: str) -> str:
        ha1 = hashlib.md5(f"admin:IP Camera:{password}".encode()).hexdigest()
        ha2 = hashlib.md5(f"DESCRIBE:{uri}".encode()).hexdigest()
        response = hashlib.md5(f"{ha1}:{nonce}:{ha2}".encode()).hexdigest()
        auth = f'Digest username="admin", realm="IP Camera", nonce="{nonce}", uri="{uri}", response="{response}"'
        return f"DESCRIBE {uri} RTSP/1.0\r\nCSeq: 2\r\nAuthorization: {auth}\r\n\r\n"

    async def scenario():
        async with running(tmp_path, "rtsp", CAMERA, 554, {"accounts": {"admin": "Kv4-unique-77"}}, **CAMERA_MODEL):
            challenge = await rtsp_request(CAMERA, f"DESCRIBE {uri} RTSP/1.0\r\nCSeq: 1\r\n\r\n")
            nonce = re.search(r'nonce="([^"]+)"', challenge).group(1)
            return (
                challenge,
                await rtsp_request(CAMERA, describe(nonce, "admin")),
                await rtsp_request(CAMERA, describe(nonce, "Kv4-unique-77")),
            )

    challenge, wrong, right = asyncio.run(scenario())
    assert (
        challenge.startswith("RTSP/1.0 401") and wrong.startswith("RTSP/1.0 401") and right.startswith("RTSP/1.0 200")
    )


@pytest.mark.parametrize(
    ("config", "connected", "model"), [({}, True, "BinSense-2"), ({"auth_required": True}, False, "")]
)
def test_adb_probe_reads_the_banner_or_sees_the_key_request(
    tmp_path: Path, config, connected: bool, model: str
) -> None:
    async def scenario():
        async with running(tmp_path, "adb", DEBUG, 5555, config, vendor="Avfallsdata", model="BinSense-2") as lab:
            return await run_probe(adb.PROBE, ServiceTarget(DEBUG, 5555, name="adb")), lab.log()

    result, log = asyncio.run(scenario())
    assert result.status is AttemptStatus.COMPLETED, result.reason
    assert (result.facts.connected, result.facts.auth_required, result.facts.product_model) == (
        connected, not connected, model,
    )  # fmt: skip
    assert [r["command"] for r in log if r["event"] == "message"] == ["CNXN"]  # never OPEN: no shell


def test_bad_configuration_open_adb_answers_a_host_cnxn_with_its_banner(tmp_path: Path) -> None:
    async def scenario():
        async with running(tmp_path, "adb", DEBUG, 5555, {}, vendor="Avfallsdata", model="BinSense-2"):
            reader, writer = await asyncio.open_connection(DEBUG, 5555)
            writer.write(adb.cnxn())
            command, _, _, length, _, _ = struct.unpack("<6I", await reader.readexactly(24))
            payload = await reader.readexactly(length)
            writer.close()
            return command, payload

    command, payload = asyncio.run(scenario())
    assert command == adb.A_CNXN and payload.startswith(b"device::") and b"BinSense-2" in payload
