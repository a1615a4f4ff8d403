"""Given a telnet lab device that opens with option negotiation, its greeting is shown as text: no IAC bytes."""

import asyncio
from pathlib import Path

from muniscan.text import printable_banner
from tests.lab_device import running

ADDRESS, PORT = "127.101.31.10", 2323


async def greeting(folder: Path) -> bytes:
    async with running(folder, "telnet", ADDRESS, PORT, {"banner": "Lumenvik SLC-200"}):
        reader, writer = await asyncio.open_connection(ADDRESS, PORT)
        received = b""
        try:
            while b"login:" not in received:
                received += await asyncio.wait_for(reader.read(1024), 5)
        finally:
            writer.close()
        return received


def test_telnet_negotiation_is_not_shown_as_text(tmp_path: Path) -> None:
    raw = asyncio.run(greeting(tmp_path))
    assert b"\xff" in raw  # the device really negotiates (IAC ...) before its greeting
    shown = printable_banner(raw)
    assert shown.startswith("Lumenvik SLC-200") and shown.endswith("login:")
    assert "\ufffd" not in shown and not any(ord(c) < 32 and c != "\n" for c in shown)


def test_negotiation_commands_of_every_shape_are_removed() -> None:
    raw = b"\xff\xfb\x01\xff\xfd\x1f\xff\xfa\x18\x01\xff\xf0\xff\xf1Welcome\xff\xff\r\nlogin: "
    assert printable_banner(raw) == "Welcome\nlogin:"
