"""libcoap's example coap-server, the real CoAP stack: resources anyone may GET and PUT, no DTLS.

No settings: the server lists its own resources (/.well-known/core, /time, /async, /example_data).
"""

from muniscan.labs.daemons import program, run_daemon
from muniscan.labs.devices.base import DeviceContext, Running


async def start(ctx: DeviceContext) -> Running:
    server = program("coap-server-notls", "libcoap3-bin")
    return await run_daemon(ctx, [server, "-A", ctx.device.address, "-p", str(ctx.service.port), "-v", "3"])
