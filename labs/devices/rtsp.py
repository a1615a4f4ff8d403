"""An RTSP camera on asyncio: OPTIONS and DESCRIBE answered openly, or behind Basic or Digest auth.

Settings (`config:`):
- `auth`: "none", "basic" or "digest" (default "digest").
- `accounts`: {user: password} accepted when auth is on (default {"admin": "admin"}).
- `paths`: stream paths that exist (default ["/stream1"]); others answer 404.
- `server`: the Server header (default "<vendor> <model> RTSP/<firmware>").
"""

import asyncio
import base64
import hashlib
import secrets
from contextlib import suppress

from muniscan.labs.devices.base import DeviceContext, Running

METHODS = "OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN"
REALM = "IP Camera"


def _digest(user: str, password: str, method: str, uri: str, nonce: str) -> str:
    ha1 = hashlib.md5(f"{user}:{REALM}:{password}".encode()).hexdigest()
    ha2 = hashlib.md5(f"{method}:{uri}".encode()).hexdigest()
    return hashlib.md5(f"{ha1}:{nonce}:{ha2}".encode()).hexdigest()


def _authorised(header: str, scheme: str, accounts: dict[str, str], method: str, nonce: str) -> bool:
    if scheme == "none":
        return True
    if scheme == "basic" and header.lower().startswith("basic "):
        with suppress(ValueError):
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            return accounts.get(user) == password
    if scheme == "digest" and header.lower().startswith("digest "):
        fields = dict(part.strip().split("=", 1) for part in header[7:].split(",") if "=" in part)
        values = {k: v.strip('"') for k, v in fields.items()}
        user = values.get("username", "")
        expected = _digest(user, accounts.get(user, secrets.token_hex(8)), method, values.get("uri", ""), nonce)
        return user in accounts and values.get("nonce") == nonce and values.get("response") == expected
    return False


def _sdp(ctx: DeviceContext) -> str:
    return (
        "v=0\r\no=- 0 0 IN IP4 {a}\r\ns={m}\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n"
        "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:track1\r\n"
    ).format(a=ctx.device.address, m=f"{ctx.device.vendor} {ctx.device.model}")


async def start(ctx: DeviceContext) -> Running:
    scheme = str(ctx.setting("auth", "digest"))
    if scheme not in {"none", "basic", "digest"}:
        raise ValueError("rtsp auth must be none, basic or digest")
    accounts: dict[str, str] = ctx.setting("accounts", {"admin": "admin"})
    paths: list[str] = ctx.setting("paths", ["/stream1"])
    server_name = ctx.setting("server", f"{ctx.device.vendor} {ctx.device.model} RTSP/{ctx.device.firmware}")
    nonce = secrets.token_hex(16)

    def reply(status: str, cseq: str, extra: str = "", body: str = "") -> bytes:
        head = f"RTSP/1.0 {status}\r\nCSeq: {cseq}\r\nServer: {server_name}\r\n{extra}"
        if body:
            head += f"Content-Type: application/sdp\r\nContent-Length: {len(body)}\r\n"
        return (head + "\r\n" + body).encode()

    def challenge() -> str:
        if scheme == "basic":
            return f'WWW-Authenticate: Basic realm="{REALM}"\r\n'
        return f'WWW-Authenticate: Digest realm="{REALM}", nonce="{nonce}"\r\n'

    def answer(method: str, uri: str, headers: dict[str, str]) -> bytes:
        cseq = headers.get("cseq", "0")
        if method == "OPTIONS":
            return reply("200 OK", cseq, f"Public: {METHODS}\r\n")
        if method != "DESCRIBE":
            return reply("405 Method Not Allowed", cseq, f"Allow: {METHODS}\r\n")
        path = "/" + uri.split("://", 1)[-1].partition("/")[2]
        if path.rstrip("/") not in {p.rstrip("/") for p in paths}:
            return reply("404 Not Found", cseq)
        allowed = _authorised(headers.get("authorization", ""), scheme, accounts, method, nonce)
        ctx.record("describe", path=path, allowed=allowed)
        if not allowed:
            return reply("401 Unauthorized", cseq, challenge())
        return reply("200 OK", cseq, f"Content-Base: {uri}/\r\n", _sdp(ctx))

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        ctx.record("connect", peer=peer[0] if peer else None)
        try:
            for _ in range(20):
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
                lines = head.decode("latin-1").split("\r\n")
                method, uri = [*lines[0].split(" "), "", ""][:2]
                headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:] if x)}
                writer.write(answer(method, uri, headers))
                await writer.drain()
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, ctx.device.address, ctx.service.port)
    ctx.record("listening", auth=scheme)

    async def stop() -> None:
        server.close()
        await server.wait_closed()

    return Running(stop)
