"""OpenSSH's sshd, the real server: legacy algorithms and passwords allowed, or a strict set and keys only.

Settings (`config:`):
- `legacy_algorithms`: also offer SHA-1 key exchange, CBC ciphers and MD5/SHA-1 MACs (default false).
- `password_login`: accept password authentication (default false). No account has a password the
  lab knows, so no login succeeds either way.
"""

import asyncio
import os
from pathlib import Path

from muniscan.labs.daemons import folder, program, run_daemon
from muniscan.labs.devices.base import DeviceContext, Running

LEGACY = [
    "KexAlgorithms +diffie-hellman-group1-sha1,diffie-hellman-group14-sha1",
    "Ciphers +aes128-cbc,3des-cbc",
    "MACs +hmac-md5,hmac-sha1",
]
STRICT = [
    "KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org",
    "Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com",
    "MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com",
    "HostKeyAlgorithms ssh-ed25519",
]


async def _host_key(where: Path) -> Path:
    key = where / "ssh_host_ed25519_key"
    if not key.exists():
        keygen = program("ssh-keygen", "openssh-client")
        process = await asyncio.create_subprocess_exec(keygen, "-q", "-t", "ed25519", "-N", "", "-f", str(key))
        await process.wait()
    return key


async def start(ctx: DeviceContext) -> Running:
    where = folder(ctx)
    key = await _host_key(where)
    password = "yes" if ctx.setting("password_login", False) else "no"
    lines = [
        f"ListenAddress {ctx.device.address}:{ctx.service.port}",
        f"HostKey {key}",
        "PidFile none",
        "UsePAM no",
        "PermitRootLogin no",
        f"PasswordAuthentication {password}",
        "KbdInteractiveAuthentication no",
        "AuthorizedKeysFile none",
        "DebianBanner no",
        *(LEGACY if ctx.setting("legacy_algorithms", False) else STRICT),
    ]
    conf = where / "sshd_config"
    conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege-separation folder
    return await run_daemon(ctx, [program("sshd", "openssh-server"), "-D", "-e", "-f", str(conf)])
