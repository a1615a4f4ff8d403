"""A web admin interface on aiohttp, plain HTTP (the `https` kind serves the same app over TLS).

Config keys (all optional):
- `auth`: "basic" (default), "digest" (challenge only: no login succeeds), "form" or "none"
- `accounts`: {user: password} that may log in
- `admin_path`: where the admin page lives (default "/admin"); "/" shows a landing page
- `server_header`: the Server header (default "<vendor>-<model>", no version; put one in to leak it)
- `security_headers`: send HSTS (over TLS), CSP, X-Frame-Options, X-Content-Type-Options (default true)
- `cookie_flags`: flags on the session cookie, e.g. ["HttpOnly", "SameSite=Strict"]
  (default: Secure when over TLS, HttpOnly and SameSite=Strict)
- `redirect_to_https`: a port; when set every plain request is redirected to https on it
- `lockout_after`: failed logins from one address before it gets 429 (default 0: never)
- `lockout_seconds`: how long that lasts (default 60)
- `challenge_every_path`: with basic or digest auth, every path, real or not, answers 401 (as many embedded
  servers do), so a 401 does not show that a page exists (default false)
- `login_action`: where the login form posts (default "/login"); another path answers 404, as a form
  left over from a removed login would
"""

import base64
import secrets
import ssl
import time
from collections import defaultdict
from typing import Any

from aiohttp import web

from muniscan.labs.devices.base import DeviceContext, Running

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
HSTS = ("Strict-Transport-Security", "max-age=31536000")
LOGIN_FORM = (
    '<form method="post" action="{action}"><input name="username"><input type="password" name="password">'
    '<button type="submit">Log in</button></form>'
)


class Lockout:
    """Counts failed logins per client address; past the limit the client is told to wait."""

    def __init__(self, limit: int, seconds: float) -> None:
        self.limit, self.seconds = limit, seconds
        self.failures: defaultdict[str, list[float]] = defaultdict(list)

    def blocked(self, peer: str) -> bool:
        now = time.monotonic()
        recent = [t for t in self.failures[peer] if now - t < self.seconds]
        self.failures[peer] = recent
        return bool(self.limit) and len(recent) >= self.limit

    def failed(self, peer: str) -> None:
        self.failures[peer].append(time.monotonic())


def build_app(ctx: DeviceContext, tls: bool) -> web.Application:
    """The admin web app, configured from the service's settings."""
    auth: str = ctx.setting("auth", "basic")
    accounts: dict[str, str] = ctx.setting("accounts", {})
    admin_path: str = ctx.setting("admin_path", "/admin")
    server = ctx.setting("server_header", f"{ctx.device.vendor}-{ctx.device.model}".replace(" ", "-"))
    headers_on = bool(ctx.setting("security_headers", True))
    flags: list[str] = ctx.setting("cookie_flags", [*(["Secure"] if tls else []), "HttpOnly", "SameSite=Strict"])
    redirect_port = ctx.setting("redirect_to_https")
    lockout = Lockout(int(ctx.setting("lockout_after", 0)), float(ctx.setting("lockout_seconds", 60)))
    title = f"{ctx.device.vendor} {ctx.device.model}"
    challenge_everywhere = bool(ctx.setting("challenge_every_path", False))
    login_form = LOGIN_FORM.format(action=ctx.setting("login_action", "/login"))
    sessions: set[str] = set()

    def page(body: str, status: int = 200, **extra: Any) -> web.Response:
        response = web.Response(
            text=f"<html><head><title>{title}</title></head><body>{body}</body></html>",
            status=status,
            content_type="text/html",
        )
        response.headers.update(extra.get("headers", {}))
        return response

    def session_cookie(response: web.Response, value: str) -> None:
        response.headers.add("Set-Cookie", "; ".join([f"session={value}", "Path=/", *flags]))

    def basic_user(request: web.Request) -> str | None:
        scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            user, _, password = base64.b64decode(encoded).decode("latin-1").partition(":")
        except ValueError:
            return None
        ctx.record("login", user=user, success=bool(user) and accounts.get(user) == password, peer=request.remote)
        return user if user and accounts.get(user) == password else None

    def challenge() -> web.Response:
        scheme = "Basic" if auth == "basic" else "Digest"
        extra = f', nonce="{secrets.token_hex(8)}", qop="auth"' if auth == "digest" else ""
        return page("Authentication required", 401, headers={"WWW-Authenticate": f'{scheme} realm="{title}"{extra}'})

    async def index(request: web.Request) -> web.Response:
        body = f"<h1>{title}</h1><a href='{admin_path}'>Administration</a>"
        if auth == "form":
            body += login_form
        response = page(body)
        if auth == "form":
            session_cookie(response, "anonymous-" + secrets.token_hex(4))
        return response

    async def admin(request: web.Request) -> web.Response:
        if auth == "none":
            return page("<h1>Device settings</h1><p>Configuration: network, users, firmware update</p>")
        if auth == "form":
            if request.cookies.get("session") in sessions:
                return page("<h1>Device settings</h1>")
            raise web.HTTPFound("/")
        if lockout.blocked(request.remote or ""):
            return page("Too many attempts", 429, headers={"Retry-After": str(int(lockout.seconds))})
        if basic_user(request):
            return page("<h1>Device settings</h1><p>Status: OK</p>")
        if "Authorization" in request.headers:
            lockout.failed(request.remote or "")
        return challenge()

    async def login(request: web.Request) -> web.Response:
        if lockout.blocked(request.remote or ""):
            return page("Too many attempts", 429, headers={"Retry-After": str(int(lockout.seconds))})
        form = await request.post()
        user, password = str(form.get("username", "")), str(form.get("password", ""))
        success = bool(user) and accounts.get(user) == password
        ctx.record("login", user=user, success=success, peer=request.remote)
        if not success:
            lockout.failed(request.remote or "")
            return page("Login failed" + login_form, 200)
        token = secrets.token_hex(16)
        sessions.add(token)
        response = web.HTTPFound(admin_path)
        response.headers.add("Set-Cookie", "; ".join([f"session={token}", "Path=/", *flags]))
        raise response

    @web.middleware
    async def common(request: web.Request, handler: Any) -> web.StreamResponse:
        ctx.record("request", peer=request.remote, line=f"{request.method} {request.path_qs}"[:200], tls=tls)
        if redirect_port and not tls:
            location = f"https://{ctx.device.address}:{redirect_port}{request.path_qs}"
            response: web.StreamResponse = web.Response(status=301, headers={"Location": location})
        elif challenge_everywhere and auth in ("basic", "digest") and not basic_user(request):
            response = challenge()
        else:
            try:
                response = await handler(request)
            except web.HTTPException as exc:  # redirects and errors carry the device's headers too
                response = web.Response(status=exc.status, reason=exc.reason, headers=exc.headers, body=exc.body)
        response.headers["Server"] = server
        if headers_on:
            response.headers.update(SECURITY_HEADERS)
            if tls:
                response.headers[HSTS[0]] = HSTS[1]
        return response

    app = web.Application(middlewares=[common])
    app.router.add_get("/", index)
    app.router.add_get(admin_path, admin)
    app.router.add_post("/login", login)
    return app


async def serve_app(ctx: DeviceContext, tls_context: ssl.SSLContext | None) -> Running:
    runner = web.AppRunner(build_app(ctx, tls_context is not None), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, ctx.device.address, ctx.service.port, ssl_context=tls_context)
    await site.start()
    return Running(runner.cleanup)


async def start(ctx: DeviceContext) -> Running:
    return await serve_app(ctx, None)
