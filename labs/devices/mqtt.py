"""An MQTT broker on amqtt: anonymous or password-protected, plain or TLS, with publishers of realistic data.

Settings (`config:`):
- `anonymous`: accept clients that bring no user name (default false).
- `accounts`: {user: password} accepted logins (default none).
- `tls`: serve MQTT over TLS, as on port 8883, with a certificate from the lab CA (default false).
- `certificate`: "ca" or "self-signed" (default "ca").
- `publish`: list of {topic, payload, retain, interval}. `payload` is a template whose fields are
  filled per message: {mac} {plate} {personnummer} {email} {lat} {lon} {count} {level} {ts} {device}.
  `retain` keeps the last message for new subscribers; `interval` (seconds, default 1) repeats it.
The personal-data values come from published test vectors (Skatteverket-style test personnummer from
the Presidio test suite, documentation MAC ranges, invented plates and e-mail addresses at example.se).
"""

import asyncio
import logging
import random
import time
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from amqtt.broker import Broker
from amqtt.plugins.base import BaseAuthPlugin
from amqtt.session import Session

from muniscan.labs.certificates import CertificateOptions, device_certificate
from muniscan.labs.devices.base import DeviceContext, Running

logging.getLogger("amqtt").setLevel(logging.CRITICAL)
logging.getLogger("transitions").setLevel(logging.CRITICAL)

PERSONNUMMER = ("198712202384", "199109242397", "199201232387", "200109022392", "201109252385", "199003052397")
MACS = ("d0:50:99:84:a2:a0", "a4:5e:60:1c:33:9f", "3c:22:fb:07:4e:11", "f0:18:98:2d:6a:c4", "b8:27:eb:5a:91:03")
PLATES = ("KLM 12A", "GHT 482", "RSU 907", "NPX 31C", "BEJ 255")
EMAILS = ("anna.svensson@example.se", "lars.nilsson@example.se", "karin.berg@example.se")


class AccountsAuthPlugin(BaseAuthPlugin):
    """Lets in anonymous clients when allowed, and the configured accounts; records every attempt."""

    @dataclass
    class Config:
        anonymous: bool = False
        accounts: dict[str, str] = field(default_factory=dict)
        record: Any = None

    async def authenticate(self, *, session: Session) -> bool:
        config = self.context.config
        user = session.username or ""
        accepted = config.accounts.get(user) == session.password if user else config.anonymous
        if config.record:
            config.record("login", user=user or None, success=accepted)
        return accepted


def fill(template: str, rng: random.Random, count: int, device: str) -> str:
    """One message from a payload template, with values that look like what real sensors send."""
    values = {
        "mac": rng.choice(MACS),
        "plate": rng.choice(PLATES),
        "personnummer": rng.choice(PERSONNUMMER),
        "email": rng.choice(EMAILS),
        "lat": f"{59.8586 + rng.uniform(-0.01, 0.01):.6f}",
        "lon": f"{17.6389 + rng.uniform(-0.01, 0.01):.6f}",
        "count": str(count),
        "level": f"{rng.uniform(0.2, 3.5):.2f}",
        "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "device": device,
    }
    return template.format_map(values)


async def _publisher(broker: Broker, spec: dict[str, Any], device: str, seed: int) -> None:
    rng = random.Random(seed)
    count = 0
    while True:
        count += 1
        data = fill(str(spec.get("payload", "{count}")), rng, count, device).encode()
        topic = fill(str(spec["topic"]), rng, count, device)
        if spec.get("retain", False):
            await broker.retain_message(None, topic, data, 0)
        await broker.internal_message_broadcast(topic, data, 0)
        await asyncio.sleep(float(spec.get("interval", 1.0)))


async def start(ctx: DeviceContext) -> Running:
    anonymous = bool(ctx.setting("anonymous", False))
    listener: dict[str, Any] = {"type": "tcp", "bind": f"{ctx.device.address}:{ctx.service.port}"}
    if ctx.setting("tls", False):
        options = CertificateOptions(issuer=str(ctx.setting("certificate", "ca")))
        cert, key = device_certificate(ctx.state_dir / "certs", f"{ctx.device.name}-mqtt", ctx.device.address, options)
        listener |= {"ssl": True, "certfile": str(cert), "keyfile": str(key)}
    auth = {"anonymous": anonymous, "accounts": dict(ctx.setting("accounts", {})), "record": ctx.record}
    config = {
        "listeners": {"default": listener},
        "plugins": {f"{__name__}.AccountsAuthPlugin": auth},
    }
    broker = Broker(config)
    await broker.start()
    publishers = [
        asyncio.create_task(_publisher(broker, spec, ctx.device.name, index))
        for index, spec in enumerate(ctx.setting("publish", []))
    ]
    ctx.record("listening", anonymous=anonymous, tls=bool(ctx.setting("tls", False)))

    async def stop() -> None:
        for task in publishers:
            task.cancel()
        for task in publishers:
            with suppress(asyncio.CancelledError):
                await task
        await broker.shutdown()

    return Running(stop)
