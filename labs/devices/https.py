"""An HTTPS admin interface with basic auth, on Python's TLS server, offering chosen TLS versions."""

import asyncio
import base64
import ssl
import warnings

from muniscan.labs.certificates import self_signed
from muniscan.labs.devices.base import DeviceContext, Running

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    TLS_VERSIONS = {
        "1.0": ssl.TLSVersion.TLSv1,
        "1.1": ssl.TLSVersion.TLSv1_1,
        "1.2": ssl.TLSVersion.TLSv1_2,
        "1.3": ssl.TLSVersion.TLSv1_3,
    }


def server_context(ctx: DeviceContext) -> ssl.SSLContext:
    versions = [TLS_VERSIONS[v] for v in ctx.setting("tls_versions", ["1.2", "1.3"])]
    cert, key = self_signed(
        ctx.state_dir / "certs",
        ctx.device.name,
        ctx.device.address,
        expired=bool(ctx.setting("expired_certificate", False)),
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = min(versions)
        context.maximum_version = max(versions)
    context.set_ciphers("ALL:@SECLEVEL=0")  # let legacy versions really be offered
    context.load_cert_chain(cert, key)
    return context


def _response(status: str, body: str, extra: str = "") -> bytes:
    payload = body.encode()
    head = (
        f"HTTP/1.1 {status}\r\nServer: {{server}}\r\nContent-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(payload)}\r\nConnection: close\r\n{extra}\r\n"
    )
    return head.encode() + payload


async def start(ctx: DeviceContext) -> Running:
    accounts: dict[str, str] = ctx.setting("accounts", {})
    server_name = f"{ctx.device.vendor}-{ctx.device.model}/{ctx.device.firmware}".replace(" ", "-")
    title = f"{ctx.device.vendor} {ctx.device.model}"

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        ssl_object = writer.get_extra_info("ssl_object")
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            lines = head.decode("latin-1").split("\r\n")
            headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
            ctx.record(
                "request",
                peer=peer[0] if peer else None,
                line=lines[0][:200],
                tls=ssl_object.version() if ssl_object else None,
            )
            user, _, password = (
                base64.b64decode(headers.get("authorization", "Basic ").split(" ", 1)[-1] or b"")
                .decode("latin-1")
                .partition(":")
            )
            if user and accounts.get(user) == password:
                reply = _response("200 OK", f"<html><title>{title}</title><body>Status: OK</body></html>")
            else:
                reply = _response(
                    "401 Unauthorized",
                    f"<html><title>{title}</title></html>",
                    f'WWW-Authenticate: Basic realm="{title}"\r\n',
                )
            writer.write(reply.replace(b"{server}", server_name.encode()))
            await writer.drain()
        except (TimeoutError, ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, ctx.device.address, ctx.service.port, ssl=server_context(ctx))

    async def stop() -> None:
        server.close()
        await server.wait_closed()

    return Running(stop)
