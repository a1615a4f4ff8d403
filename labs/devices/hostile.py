"""A hostile service: misbehaves on purpose so tests can prove the scanner survives untrusted devices.

Settings (`config:`):
- `behaviour`: one of `random_bytes`, `oversized_banner`, `ansi_banner`, `html_banner`,
  `tls_garbage_after_hello`, `tls_bad_certificate`, `slow_drip`, `half_open`, `reset`;
- `size`: bytes for `random_bytes` / `oversized_banner` (default 2048 / 1 MiB);
- `interval`: seconds between bytes for `slow_drip` (default 0.5);
- `hold`: most seconds a connection is kept open (default 60), so a lab never piles up sockets.
"""

import asyncio
import contextlib
import os
import socket
import struct
from collections.abc import Awaitable, Callable

from muniscan.labs.devices.base import DeviceContext, Running

# Escape sequences a terminal would obey: clear screen, colours, window title, cursor moves, C1 CSI, bell.
ANSI_BANNER = (
    "\x1b[2J\x1b[H\x1b[31;1mWARNING\x1b[0m \x1b]0;owned-terminal\x07"
    "login as root\x1b[8m hidden \x1b[28m\x9b6n\x07\r\n# "
)
HTML_BANNER = (
    "HTTP/1.1 200 OK\r\nServer: <script>alert('banner')</script>\r\nContent-Type: text/html\r\n\r\n"
    "<html><title><img src=x onerror=alert(1)></title>\"'&<b>bold</b></html>\r\n"
)
Behaviour = Callable[[asyncio.StreamReader, asyncio.StreamWriter, DeviceContext], Awaitable[None]]


def _tls_record(handshake_type: int, body: bytes) -> bytes:
    message = bytes([handshake_type]) + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x03" + len(message).to_bytes(2, "big") + message


def server_hello() -> bytes:
    """A plausible TLS 1.2 ServerHello (ECDHE-RSA-AES128-GCM-SHA256, no extensions)."""
    return _tls_record(2, b"\x03\x03" + os.urandom(32) + b"\x00" + b"\xc0\x2f" + b"\x00")


def unparseable_certificate() -> bytes:
    """A Certificate message whose one certificate claims a DER length it does not have."""
    der = b"\x30\x82\xff\xf0" + os.urandom(48)
    entry = len(der).to_bytes(3, "big") + der
    return _tls_record(11, len(entry).to_bytes(3, "big") + entry) + _tls_record(14, b"")


async def _first_bytes(reader: asyncio.StreamReader) -> bytes:
    with contextlib.suppress(TimeoutError):
        return await asyncio.wait_for(reader.read(4096), 5)
    return b""


async def random_bytes(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, ctx: DeviceContext) -> None:
    writer.write(os.urandom(int(ctx.setting("size", 2048))))
    await writer.drain()


async def oversized_banner(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, ctx: DeviceContext) -> None:
    size = int(ctx.setting("size", 1 << 20))
    writer.write(b"220 " + b"A" * size + b"\r\n")
    await writer.drain()


async def ansi_banner(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, ctx: DeviceContext) -> None:
    writer.write(ANSI_BANNER.encode("utf-8"))
    await writer.drain()
    await _first_bytes(reader)


async def html_banner(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, ctx: DeviceContext) -> None:
    writer.write(HTML_BANNER.encode())
    await writer.drain()
    await _first_bytes(reader)
    writer.write(HTML_BANNER.encode())
    await writer.drain()


async def tls_garbage_after_hello(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, ctx: DeviceContext
) -> None:
    if await _first_bytes(reader):
        writer.write(server_hello() + os.urandom(512))
        await writer.drain()


async def tls_bad_certificate(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, ctx: DeviceContext) -> None:
    if await _first_bytes(reader):
        writer.write(server_hello() + unparseable_certificate())
        await writer.drain()
        await _first_bytes(reader)


async def slow_drip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, ctx: DeviceContext) -> None:
    interval = float(ctx.setting("interval", 0.5))
    for byte in b"220 slow device ready, please wait" * 20:
        writer.write(bytes([byte]))
        await writer.drain()
        await asyncio.sleep(interval)


async def half_open(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, ctx: DeviceContext) -> None:
    """Accept and then say nothing: wait for the client to give up (or the hold time to pass)."""
    while await reader.read(4096):
        pass


async def reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, ctx: DeviceContext) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:  # linger 0: close with a RST instead of a FIN
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


BEHAVIOURS: dict[str, Behaviour] = {
    f.__name__: f
    for f in (
        random_bytes,
        oversized_banner,
        ansi_banner,
        html_banner,
        tls_garbage_after_hello,
        tls_bad_certificate,
        slow_drip,
        half_open,
        reset,
    )
}


async def start(ctx: DeviceContext) -> Running:
    name = ctx.setting("behaviour", "random_bytes")
    if name not in BEHAVIOURS:
        raise ValueError(f"hostile behaviour '{name}' is not one of {', '.join(BEHAVIOURS)}")
    behaviour, hold = BEHAVIOURS[name], float(ctx.setting("hold", 60))

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        ctx.record("connect", peer=peer[0] if peer else None, behaviour=name)
        try:
            await asyncio.wait_for(behaviour(reader, writer, ctx), hold)
        except (TimeoutError, ConnectionError, OSError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, ctx.device.address, ctx.service.port)

    async def stop() -> None:
        server.close()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(server.wait_closed(), 2)

    return Running(stop)
