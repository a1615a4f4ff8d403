"""An Android Debug Bridge listener, as left on by a vendor's debug build: answers CNXN, or asks for AUTH.

Settings (`config:`):
- `auth_required`: answer a host's CNXN with an AUTH token request instead of the device banner
  (default false). The listener never runs a shell: OPEN requests are refused with CLSE.
- `product`, `model`, `device`: the banner's ro.product.* values (defaults from the device).
"""

import asyncio
import secrets
import struct

from muniscan.labs.devices.base import DeviceContext, Running

A_CNXN, A_AUTH, A_OPEN, A_CLSE = 0x4E584E43, 0x48545541, 0x4E45504F, 0x45534C43
VERSION, MAX_DATA = 0x01000000, 4096
AUTH_TOKEN = 1


def message(command: int, arg0: int, arg1: int, payload: bytes) -> bytes:
    """One ADB message: 24-byte header (command, args, length, checksum, magic) and its payload."""
    header = struct.pack("<6I", command, arg0, arg1, len(payload), sum(payload) & 0xFFFFFFFF, command ^ 0xFFFFFFFF)
    return header + payload


async def start(ctx: DeviceContext) -> Running:
    device = ctx.device
    banner = (
        f"device::ro.product.name={ctx.setting('product', device.model.lower().replace(' ', '_'))};"
        f"ro.product.model={ctx.setting('model', device.model)};"
        f"ro.product.device={ctx.setting('device', device.name)};features=shell_v2,cmd"
    ).encode()
    auth_required = bool(ctx.setting("auth_required", False))

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        ctx.record("connect", peer=peer[0] if peer else None)
        try:
            for _ in range(10):
                command, arg0, _, length, _, _ = struct.unpack(
                    "<6I", await asyncio.wait_for(reader.readexactly(24), 10)
                )
                await reader.readexactly(min(length, MAX_DATA))
                ctx.record("message", command=struct.pack("<I", command).decode("latin-1"))
                if command == A_CNXN and auth_required:
                    writer.write(message(A_AUTH, AUTH_TOKEN, 0, secrets.token_bytes(20)))
                elif command == A_CNXN:
                    writer.write(message(A_CNXN, VERSION, MAX_DATA, banner))
                elif command == A_OPEN:
                    writer.write(message(A_CLSE, 0, arg0, b""))
                await writer.drain()
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError, struct.error):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, device.address, ctx.service.port)
    ctx.record("listening", auth_required=auth_required)

    async def stop() -> None:
        server.close()
        await server.wait_closed()

    return Running(stop)
