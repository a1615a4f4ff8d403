"""A telnet login on telnetlib3's server: banner, login prompt, configured accounts."""

import asyncio

import telnetlib3
from muniscan.labs.devices.base import DeviceContext, Running


async def start(ctx: DeviceContext) -> Running:
    accounts: dict[str, str] = ctx.setting("accounts", {})
    banner: str = ctx.setting("banner", f"{ctx.device.vendor} {ctx.device.model}")

    async def shell(reader: telnetlib3.TelnetReader, writer: telnetlib3.TelnetWriter) -> None:
        peer = writer.get_extra_info("peername")
        ctx.record("connect", peer=peer[0] if peer else None)
        try:
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
