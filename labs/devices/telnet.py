"""A telnet login on telnetlib3's server: banner, login prompt, configured accounts.

Config keys (all optional):
- `banner`: the greeting before the login prompt (default "<vendor> <model>")
- `accounts`: {user: password} that may log in
- `lockout_after`: wrong passwords from one address before it is told to go away (default 0: never)
"""

import asyncio
from collections import defaultdict

import telnetlib3

from muniscan.labs.devices.base import DeviceContext, Running


async def start(ctx: DeviceContext) -> Running:
    accounts: dict[str, str] = ctx.setting("accounts", {})
    banner: str = ctx.setting("banner", f"{ctx.device.vendor} {ctx.device.model}")
    limit = int(ctx.setting("lockout_after", 0))
    failures: defaultdict[str, int] = defaultdict(int)

    async def shell(reader: telnetlib3.TelnetReader, writer: telnetlib3.TelnetWriter) -> None:
        peer = writer.get_extra_info("peername")
        ctx.record("connect", peer=peer[0] if peer else None)
        try:
            if limit and failures[peer[0] if peer else ""] >= limit:
                writer.write("\r\nToo many failed logins, try again later\r\n")
                return
            writer.write(f"\r\n{banner}\r\n")
            for _ in range(3):
                writer.write("login: ")
                user_line = await asyncio.wait_for(reader.readline(), 30)
                if not user_line:  # the client left without trying
                    break
                writer.write("Password: ")
                user, password = user_line.strip(), (await asyncio.wait_for(reader.readline(), 30)).strip()
                if user and accounts.get(user) == password:
                    ctx.record("login", user=user, success=True)
                    writer.write(f"\r\nWelcome {user}\r\n# ")
                    await asyncio.wait_for(reader.readline(), 30)
                    break
                ctx.record("login", user=user, success=False)
                failures[peer[0] if peer else ""] += 1
                writer.write("\r\nLogin incorrect\r\n")
        except (TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await telnetlib3.create_server(
        host=ctx.device.address, port=ctx.service.port, shell=shell, connect_maxwait=0.5
    )

    async def stop() -> None:
        server.close()
        await server.wait_closed()

    return Running(stop)
