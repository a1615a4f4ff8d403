"""A UPnP device: an SSDP responder answering unicast M-SEARCH, and its HTTP device description.

Settings (`config:`):
- `http_port`: TCP port of the description server (default 49152).
- `friendly_name`, `serial`, `model_number`, `device_type`: description fields (defaults from the device).
- `igd`: also describe an Internet Gateway Device WANIPConnection service, i.e. port mapping (default false).
The responder joins no multicast group and sends nothing unasked: it answers datagrams sent to its address.
"""

import asyncio
import uuid
import zlib
from xml.sax.saxutils import escape

from muniscan.labs.devices.base import DeviceContext, Running

IGD_SERVICE = (
    "<service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType>"
    "<serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId><controlURL>/ctl/IPConn</controlURL>"
    "<eventSubURL>/evt/IPConn</eventSubURL><SCPDURL>/WANIPCn.xml</SCPDURL></service>"
)


def description(ctx: DeviceContext, udn: str) -> str:
    device = ctx.device
    fields = {
        "deviceType": ctx.setting("device_type", "urn:schemas-upnp-org:device:Basic:1"),
        "friendlyName": ctx.setting("friendly_name", f"{device.vendor} {device.model}"),
        "manufacturer": device.vendor,
        "modelName": device.model,
        "modelNumber": ctx.setting("model_number", device.firmware),
        "serialNumber": ctx.setting("serial", f"SN-{zlib.crc32(device.name.encode()) % 10**8:08d}"),
        "UDN": udn,
    }
    body = "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in fields.items())
    services = IGD_SERVICE if ctx.setting("igd", False) else ""
    return (
        '<?xml version="1.0"?>\n<root xmlns="urn:schemas-upnp-org:device-1-0">'
        "<specVersion><major>1</major><minor>0</minor></specVersion>"
        f"<device>{body}<serviceList>{services}</serviceList></device></root>"
    )


class SsdpResponder(asyncio.DatagramProtocol):
    def __init__(self, ctx: DeviceContext, location: str, udn: str, server: str) -> None:
        self.ctx, self.location, self.udn, self.server = ctx, location, udn, server
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        if not data.startswith(b"M-SEARCH * HTTP/1.1") or self.transport is None:
            return
        headers = {
            k.strip().lower(): v.strip()
            for k, _, v in (line.partition(":") for line in data.decode("latin-1").split("\r\n")[1:])
        }
        st = headers.get("st", "ssdp:all")
        self.ctx.record("m-search", st=st)
        answer_st = "upnp:rootdevice" if st in ("ssdp:all", "upnp:rootdevice") else st
        reply = (
            "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\n"
            f"LOCATION: {self.location}\r\nSERVER: {self.server}\r\nST: {answer_st}\r\n"
            f"USN: {self.udn}::{answer_st}\r\n\r\n"
        )
        self.transport.sendto(reply.encode(), addr)


async def start(ctx: DeviceContext) -> Running:
    address = ctx.device.address
    http_port = int(ctx.setting("http_port", 49152))
    udn = f"uuid:{uuid.uuid5(uuid.NAMESPACE_URL, ctx.device.name)}"
    server = f"Linux/4.9 UPnP/1.0 {ctx.device.vendor.replace(' ', '-')}/{ctx.device.firmware}"
    xml = description(ctx, udn).encode()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            path = request.split(b" ")[1].decode("latin-1") if request.count(b" ") >= 2 else "/"
            ctx.record("http", path=path)
            if path == "/description.xml":
                head = (
                    f"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {len(xml)}\r\n"
                    f"Server: {server}\r\nConnection: close\r\n\r\n"
                )
                writer.write(head.encode() + xml)
            else:
                writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            writer.close()

    http = await asyncio.start_server(handle, address, http_port)
    loop = asyncio.get_running_loop()
    location = f"http://{address}:{http_port}/description.xml"
    ssdp, _ = await loop.create_datagram_endpoint(
        lambda: SsdpResponder(ctx, location, udn, server), local_addr=(address, ctx.service.port)
    )
    ctx.record("listening", http_port=http_port)

    async def stop() -> None:
        ssdp.close()
        http.close()
        await http.wait_closed()

    return Running(stop)
