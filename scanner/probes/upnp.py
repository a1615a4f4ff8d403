"""UPnP: does the device answer SSDP, and what does its description give away (maker, model, serial)?

One M-SEARCH sent unicast to the device (never to the multicast group), then the description XML
fetched only when LOCATION points back at the same device address; parsed with defusedxml.
"""

import secrets
from urllib.parse import urlsplit

from defusedxml import ElementTree

from muniscan.facts.upnp import UpnpFacts
from muniscan.policies.schema import Intrusiveness, Policy
from muniscan.scanner.gate import Gate
from muniscan.scanner.probes.base import ProbeSpec, ProtocolError, ServiceTarget
from muniscan.text import terminal_safe

SSDP_PORT = 1900
MAX_DESCRIPTION = 65536
NS = "{urn:schemas-upnp-org:device-1-0}"
IGD_SERVICES = ("WANIPConnection", "WANPPPConnection")


def m_search(address: str) -> bytes:
    return (
        f'M-SEARCH * HTTP/1.1\r\nHOST: {address}:{SSDP_PORT}\r\nMAN: "ssdp:discover"\r\nMX: 1\r\n'
        f"ST: ssdp:all\r\nUSER-AGENT: muniscan/{secrets.token_hex(2)} UPnP/1.1\r\n\r\n"
    ).encode()


def parse_headers(data: bytes) -> dict[str, str]:
    lines = data.decode("latin-1").split("\r\n")
    if not lines[0].startswith("HTTP/1.1 200"):
        raise ProtocolError(f"not an SSDP answer: {terminal_safe(lines[0], 60)!r}")
    return {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if ":" in line)}


def parse_description(xml: bytes) -> dict[str, object]:
    root = ElementTree.fromstring(xml)
    device = root.find(f"{NS}device")
    if device is None:
        raise ProtocolError("UPnP description without a device element")

    def text(tag: str) -> str:
        return terminal_safe((device.findtext(f"{NS}{tag}") or "").strip(), limit=120)

    services = tuple(terminal_safe(s.text or "", 120) for s in device.iter(f"{NS}serviceType"))
    return {
        "manufacturer": text("manufacturer"),
        "model_name": text("modelName"),
        "model_number": text("modelNumber"),
        "serial": text("serialNumber"),
        "friendly_name": text("friendlyName"),
        "device_type": text("deviceType"),
        "services": services,
    }


async def fetch_description(gate: Gate, address: str, port: int, path: str) -> bytes:
    async with gate.tcp(address, port) as conn:
        await conn.send(f"GET {path} HTTP/1.1\r\nHost: {address}:{port}\r\nConnection: close\r\n\r\n".encode())
        response = await conn.read_some(MAX_DESCRIPTION, idle=0.5)
    head, _, body = response.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.") or b" 200 " not in head.split(b"\r\n", 1)[0] + b" ":
        raise ProtocolError("the description URL did not answer 200")
    return body


async def probe_upnp(gate: Gate, target: ServiceTarget, policy: Policy) -> UpnpFacts:
    reply = await gate.udp_exchange(target.address, target.port, m_search(target.address))
    if reply is None:
        raise TimeoutError("no SSDP answer")
    headers = parse_headers(reply)
    location = urlsplit(headers.get("location", ""))
    server, st = terminal_safe(headers.get("server", ""), 120), terminal_safe(headers.get("st", ""), 120)
    # Follow LOCATION only to the device itself: an answer cannot send the scanner anywhere else.
    if location.scheme != "http" or location.hostname != target.address or not location.port:
        return UpnpFacts(server, st, location.port if location.hostname == target.address else None, False)
    xml = await fetch_description(gate, target.address, location.port, location.path or "/")
    return UpnpFacts(server, st, location.port, True, **parse_description(xml))  # type: ignore[arg-type]


PROBE = ProbeSpec(
    name="upnp",
    intrusiveness=Intrusiveness.SAFE,
    facts_type=UpnpFacts,
    applies=lambda t: t.transport == "udp" and (t.port == SSDP_PORT or t.name == "ssdp"),
    run=probe_upnp,
    description="Unicast SSDP M-SEARCH and the device description it points to on the same address",
)
