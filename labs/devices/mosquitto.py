"""Eclipse Mosquitto, the real broker: anonymous on plain MQTT, or password and TLS only.

Settings (`config:`):
- `anonymous`: accept clients without a user name (default false).
- `accounts`: {user: password}, written to a mosquitto password file (hashed by `mosquitto_passwd`).
- `tls`: serve MQTT over TLS with a certificate from the lab CA (default false).
- `ciphers`: OpenSSL cipher list for TLS 1.2 (default Mosquitto's own, which includes CBC-SHA1 suites).
- `retained`: {topic: payload} published retained once the broker is up (as a device's last state).
"""

import asyncio
import subprocess

from muniscan.labs.certificates import CertificateOptions, device_certificate
from muniscan.labs.daemons import folder, program, run_daemon
from muniscan.labs.devices.base import DeviceContext, Running


def configuration(ctx: DeviceContext) -> str:
    where = folder(ctx)
    lines = [
        "per_listener_settings true",
        "user root",  # the lab's files stay readable; the broker binds only its loopback address
        "persistence false",
        "log_dest stderr",
        f"listener {ctx.service.port} {ctx.device.address}",
        f"allow_anonymous {'true' if ctx.setting('anonymous', False) else 'false'}",
    ]
    accounts: dict[str, str] = dict(ctx.setting("accounts", {}))
    if accounts:
        passwords = where / "passwd"
        passwords.write_text("", encoding="utf-8")
        for user, password in accounts.items():
            subprocess.run([program("mosquitto_passwd", "mosquitto"), "-b", str(passwords), user, password], check=True)
        lines.append(f"password_file {passwords}")
    if ctx.setting("tls", False):
        cert, key = device_certificate(
            ctx.state_dir / "certs", f"{ctx.device.name}-mqtt", ctx.device.address, CertificateOptions()
        )
        lines += [f"certfile {cert}", f"keyfile {key}"]
        if ciphers := ctx.setting("ciphers"):
            lines.append(f"ciphers {ciphers}")
    return "\n".join(lines) + "\n"


async def start(ctx: DeviceContext) -> Running:
    conf = folder(ctx) / "mosquitto.conf"
    conf.write_text(configuration(ctx), encoding="utf-8")
    running = await run_daemon(ctx, [program("mosquitto", "mosquitto"), "-c", str(conf)])
    publish = [program("mosquitto_pub", "mosquitto-clients"), "-h", ctx.device.address, "-p", str(ctx.service.port)]
    for topic, payload in dict(ctx.setting("retained", {})).items():
        argv = [*publish, "-t", topic, "-m", str(payload), "-r", "-q", "1"]
        await asyncio.to_thread(subprocess.run, argv, check=True, timeout=10)
    return running
