"""An MQTT broker on amqtt, anonymous or not."""

import logging

from amqtt.broker import Broker
from muniscan.labs.devices.base import DeviceContext, Running

logging.getLogger("amqtt").setLevel(logging.CRITICAL)
logging.getLogger("transitions").setLevel(logging.CRITICAL)


async def start(ctx: DeviceContext) -> Running:
    anonymous = bool(ctx.setting("anonymous", False))
    config = {
        "listeners": {"default": {"type": "tcp", "bind": f"{ctx.device.address}:{ctx.service.port}"}},
        "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": anonymous}},
    }
    broker = Broker(config)
    await broker.start()
    ctx.record("listening", anonymous=anonymous)

    async def stop() -> None:
        await broker.shutdown()

    return Running(stop)
