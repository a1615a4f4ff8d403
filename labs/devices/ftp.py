"""An FTP server on pyftpdlib: anonymous or not, with accounts, for firmware and log exchange.

Config keys (all optional):
- `anonymous`: allow the anonymous user, read-only (default false)
- `accounts`: {user: password} with read/write access to the device's folder
- `banner`: the 220 greeting (default "<vendor> <model> FTP ready", no version)
- `failed_login_delay`: seconds the server waits after a wrong password (default 0)
- `max_login_attempts`: wrong passwords before the connection is closed (default 3)
- `lockout_after`: wrong passwords from one address before it is answered 421 (default 0: never)
"""

import asyncio
import logging
import threading
from collections import defaultdict
from pathlib import Path

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.ioloop import IOLoop
from pyftpdlib.servers import FTPServer

from muniscan.labs.devices.base import DeviceContext, Running

logging.getLogger("pyftpdlib").setLevel(logging.WARNING)


def _authorizer(ctx: DeviceContext, root: Path) -> DummyAuthorizer:
    authorizer = DummyAuthorizer()
    for user, password in ctx.setting("accounts", {}).items():
        authorizer.add_user(user, password, str(root), perm="elradfmw")
    if ctx.setting("anonymous", False):
        authorizer.add_anonymous(str(root))
    return authorizer


async def start(ctx: DeviceContext) -> Running:
    root = Path(ctx.state_dir) / "ftp" / f"{ctx.device.name}-{ctx.service.port}"
    root.mkdir(parents=True, exist_ok=True)
    (root / "readme.txt").write_text(f"{ctx.device.vendor} {ctx.device.model} log export\n", encoding="utf-8")

    limit = int(ctx.setting("lockout_after", 0))
    failures: defaultdict[str, int] = defaultdict(int)

    class DeviceHandler(FTPHandler):
        authorizer = _authorizer(ctx, root)
        banner = ctx.setting("banner", f"{ctx.device.vendor} {ctx.device.model} FTP ready")
        auth_failed_timeout = float(ctx.setting("failed_login_delay", 0))
        max_login_attempts = int(ctx.setting("max_login_attempts", 3))

        def on_connect(self) -> None:
            ctx.record("connect", peer=self.remote_ip)
            if limit and failures[self.remote_ip] >= limit:
                self.respond("421 Too many failed logins, try again later.")
                self.close_when_done()

        def on_login(self, username: str) -> None:
            ctx.record("login", user=username, success=True)

        def on_login_failed(self, username: str, password: str) -> None:
            ctx.record("login", user=username, success=False)
            failures[self.remote_ip] += 1

    # Each server gets its own loop: pyftpdlib's shared default loop cannot serve two threads.
    server = FTPServer((ctx.device.address, ctx.service.port), DeviceHandler, ioloop=IOLoop())
    thread = threading.Thread(target=server.serve_forever, kwargs={"timeout": 0.2}, daemon=True)
    thread.start()

    async def stop() -> None:
        server.close_all()
        await asyncio.to_thread(thread.join, 5)

    return Running(stop)
