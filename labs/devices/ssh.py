"""An SSH server on asyncssh: chosen greeting and algorithms (weak ones included), password accounts.

Config keys (all optional):
- `server_version`: the software part of the greeting, "SSH-2.0-<this>" (default "<vendor>SSH", no version)
- `accounts`: {user: password} that may log in; a login gets a one-line shell that exits
- `kex`, `ciphers`, `macs`, `host_key_algorithms`: algorithm lists to offer (default: modern only,
  curve25519/ECDH, AES-GCM/ChaCha20/AES-CTR, SHA-2 MACs, ssh-ed25519); asyncssh still offers
  diffie-hellman-group1-sha1, ssh-rsa (SHA-1), 3des-cbc, arcfour and hmac-md5 when asked
- `host_key`: "ed25519" (default) or "rsa"; `host_key_bits`: RSA size (default 2048)
- `key_group`: devices naming the same group share one host key
- `lockout_after`: failed passwords from one address before it is disconnected at once (default 0: never)
"""

import asyncio
import contextlib
import os
from collections import defaultdict
from pathlib import Path
from typing import Any

import asyncssh

from muniscan.labs.devices.base import DeviceContext, Running

MODERN = {
    "kex": ["curve25519-sha256", "curve25519-sha256@libssh.org", "ecdh-sha2-nistp256"],
    "ciphers": ["chacha20-poly1305@openssh.com", "aes256-gcm@openssh.com", "aes128-gcm@openssh.com", "aes128-ctr"],
    "macs": ["hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com", "hmac-sha2-256"],
}
HOST_KEY_ALGORITHMS = {"ed25519": ["ssh-ed25519"], "rsa": ["rsa-sha2-512", "rsa-sha2-256"]}


def host_key(ctx: DeviceContext) -> asyncssh.SSHKey:
    """This device's host key, or its key group's, made once per lab."""
    kind = ctx.setting("host_key", "ed25519")
    bits = int(ctx.setting("host_key_bits", 2048))
    name = ctx.setting("key_group") or f"{ctx.device.name}-{ctx.service.port}"
    path = Path(ctx.state_dir) / "ssh" / f"{name}-{kind}-{bits if kind == 'rsa' else 256}.key"
    if not path.exists():
        key = asyncssh.generate_private_key("ssh-rsa", key_size=bits) if kind == "rsa" else None
        key = key or asyncssh.generate_private_key("ssh-ed25519")
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        key.write_private_key(str(draft))
        with contextlib.suppress(FileExistsError):  # another device process of the group was first
            os.link(draft, path)
        draft.unlink()
    return asyncssh.read_private_key(str(path))


async def start(ctx: DeviceContext) -> Running:
    accounts: dict[str, str] = ctx.setting("accounts", {})
    limit = int(ctx.setting("lockout_after", 0))
    failures: defaultdict[str, int] = defaultdict(int)
    key = host_key(ctx)

    class DeviceServer(asyncssh.SSHServer):
        def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
            self.conn = conn
            self.peer = (conn.get_extra_info("peername") or ("",))[0]
            ctx.record("connect", peer=self.peer)

        def begin_auth(self, username: str) -> bool:
            if limit and failures[self.peer] >= limit:
                ctx.record("login", user=username, success=False, locked=True)
                self.conn.disconnect(asyncssh.DISC_NO_MORE_AUTH_METHODS_AVAILABLE, "Too many failed logins")
            return True

        def password_auth_supported(self) -> bool:
            return True

        def validate_password(self, username: str, password: str) -> bool:
            success = bool(username) and accounts.get(username) == password
            ctx.record("login", user=username, success=success)
            if not success:
                failures[self.peer] += 1
            return success

    async def shell(process: asyncssh.SSHServerProcess[Any]) -> None:
        process.stdout.write(f"{ctx.device.vendor} {ctx.device.model}\r\n# ")
        process.exit(0)

    algorithms = {
        "kex_algs": ctx.setting("kex", MODERN["kex"]),
        "encryption_algs": ctx.setting("ciphers", MODERN["ciphers"]),
        "mac_algs": ctx.setting("macs", MODERN["macs"]),
        "signature_algs": ctx.setting("host_key_algorithms", HOST_KEY_ALGORITHMS[ctx.setting("host_key", "ed25519")]),
    }
    server = await asyncssh.create_server(
        DeviceServer,
        ctx.device.address,
        ctx.service.port,
        server_host_keys=[key],
        server_version=ctx.setting("server_version", f"{ctx.device.vendor}SSH".replace(" ", "")),
        process_factory=shell,
        login_timeout=30,
        **algorithms,
    )

    async def stop() -> None:
        server.close()
        await asyncio.wait_for(server.wait_closed(), 5)

    return Running(stop)
