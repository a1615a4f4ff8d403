"""Redis, the real server, as a device's local data store: open to anyone or behind a password.

Settings (`config:`):
- `password`: `requirepass` (default none: any client may read and write).
- `keys`: {key: value} set once the server is up (default a counter).
"""

import redis

from muniscan.labs.daemons import folder, program, run_daemon
from muniscan.labs.devices.base import DeviceContext, Running


async def start(ctx: DeviceContext) -> Running:
    where = folder(ctx)
    argv = [program("redis-server", "redis-server"), "--bind", ctx.device.address, "--port", str(ctx.service.port)]
    argv += ["--protected-mode", "no", "--save", "", "--appendonly", "no", "--dir", str(where), "--daemonize", "no"]
    password = ctx.setting("password")
    if password:
        argv += ["--requirepass", str(password)]
    running = await run_daemon(ctx, argv)
    client = redis.Redis(host=ctx.device.address, port=ctx.service.port, password=password, socket_timeout=5)
    for key, value in dict(ctx.setting("keys", {"visitors:today": "412"})).items():
        client.set(key, value)
    client.close()
    return running
