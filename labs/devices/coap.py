"""A CoAP server on aiocoap, bound to the device address only, with sensor resources open or locked.

Settings (`config:`):
- `resources`: list of {path, payload, content_format (default "application/json"), rt}; `payload` is
  served as given. Default: one `sensors/value` resource.
- `auth_required`: answer 4.01 Unauthorized to every resource GET, as a device that wants OSCORE or
  DTLS credentials would (default false).
- `hide_listing`: answer 4.01 to `/.well-known/core` too (default false).
Multicast is never joined: the server answers unicast requests on its own address.
"""

import logging
from typing import Any

import aiocoap
import aiocoap.resource as resource
from aiocoap.numbers.contentformat import ContentFormat

from muniscan.labs.devices.base import DeviceContext, Running

logging.getLogger("coap-server").setLevel(logging.CRITICAL)
logging.getLogger("coap").setLevel(logging.CRITICAL)

DEFAULT_RESOURCES = [{"path": "sensors/value", "payload": '{"value": 21.5}', "rt": "sensor"}]


class SensorResource(resource.Resource):
    """One readable value; records each read so tests can tell what a scan touched."""

    def __init__(self, ctx: DeviceContext, spec: dict[str, Any], locked: bool) -> None:
        super().__init__()
        self.ctx, self.path, self.locked = ctx, str(spec["path"]), locked
        self.payload = str(spec.get("payload", "")).encode()
        media_type = str(spec.get("content_format", "application/json"))
        if media_type == "text/plain":
            media_type = "text/plain;charset=utf-8"
        self.content_format = ContentFormat.by_media_type(media_type)
        if spec.get("rt"):
            self.rt = spec["rt"]
        self.ct = int(self.content_format)

    async def render_get(self, request: aiocoap.Message) -> aiocoap.Message:
        self.ctx.record("get", path=self.path, allowed=not self.locked)
        if self.locked:
            return aiocoap.Message(code=aiocoap.UNAUTHORIZED)
        return aiocoap.Message(payload=self.payload, content_format=self.content_format)


class LockedListing(resource.Resource):
    async def render_get(self, request: aiocoap.Message) -> aiocoap.Message:
        return aiocoap.Message(code=aiocoap.UNAUTHORIZED)


async def start(ctx: DeviceContext) -> Running:
    locked = bool(ctx.setting("auth_required", False))
    site = resource.Site()
    if ctx.setting("hide_listing", False):
        site.add_resource([".well-known", "core"], LockedListing())
    else:
        site.add_resource(
            [".well-known", "core"], resource.WKCResource(site.get_resources_as_linkheader, impl_info=None)
        )
    for spec in ctx.setting("resources", DEFAULT_RESOURCES):
        site.add_resource(str(spec["path"]).strip("/").split("/"), SensorResource(ctx, spec, locked))
    server = await aiocoap.Context.create_server_context(
        site, bind=(ctx.device.address, ctx.service.port), transports=["simplesocketserver"]
    )
    ctx.record("listening", auth_required=locked)

    async def stop() -> None:
        await server.shutdown()

    return Running(stop)
