"""An mDNS/DNS-SD responder that answers unicast queries sent to the device's own address (dnspython codec).

Settings (`config:`):
- `host_name`: the device's `.local` host name (default the device name).
- `services`: list of {type (e.g. "_http._tcp"), name (instance, default "VENDOR MODEL"), port, txt (mapping)}.
  Default: one `_http._tcp` service on port 80 whose TXT carries vendor, model and firmware.
Answers follow RFC 6762 §6.7 (legacy unicast): to the sender's address and port, query ID echoed, question
repeated, TTL at most 10 s. The socket binds ADDRESS:5353 only; no multicast group is ever joined and
nothing is sent unasked.
"""

import asyncio

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.TXT
import dns.rrset

from muniscan.labs.devices.base import DeviceContext, Running

SERVICES_META = dns.name.from_text("_services._dns-sd._udp.local.")
LEGACY_UNICAST_TTL = 10


def default_services(ctx: DeviceContext) -> list[dict[str, object]]:
    device = ctx.device
    txt = {"vendor": device.vendor, "model": device.model, "fw": device.firmware}
    return [{"type": "_http._tcp", "name": f"{device.vendor} {device.model}", "port": 80, "txt": txt}]


class Zone:
    """The records the device advertises, answered by owner name and type."""

    def __init__(self, ctx: DeviceContext) -> None:
        self.host = dns.name.from_text(f"{ctx.setting('host_name', ctx.device.name)}.local.")
        self.records: list[dns.rrset.RRset] = [self._rrset(self.host, "A", ctx.device.address)]
        types: set[dns.name.Name] = set()
        for spec in ctx.setting("services", default_services(ctx)):
            service_type = dns.name.from_text(f"{spec['type']}.local.")
            instance = dns.name.Name((str(spec.get("name", ctx.device.name)).encode(), *service_type.labels))
            if service_type not in types:
                types.add(service_type)
                self.records.append(self._rrset(SERVICES_META, "PTR", service_type.to_text()))
            self.records.append(self._rrset(service_type, "PTR", instance.to_text()))
            self.records.append(self._rrset(instance, "SRV", f"0 0 {int(spec['port'])} {self.host.to_text()}"))
            strings = [f"{k}={v}".encode()[:255] for k, v in dict(spec.get("txt", {})).items()] or [b""]
            txt = dns.rdtypes.ANY.TXT.TXT(dns.rdataclass.IN, dns.rdatatype.TXT, strings)
            self.records.append(dns.rrset.from_rdata(instance, LEGACY_UNICAST_TTL, txt))

    @staticmethod
    def _rrset(owner: dns.name.Name, rdtype: str, text: str) -> dns.rrset.RRset:
        return dns.rrset.from_text(owner, LEGACY_UNICAST_TTL, "IN", rdtype, text)

    def lookup(self, owner: dns.name.Name, rdtype: int) -> list[dns.rrset.RRset]:
        return [r for r in self.records if r.name == owner and rdtype in (r.rdtype, dns.rdatatype.ANY)]

    def additional(self, answers: list[dns.rrset.RRset]) -> list[dns.rrset.RRset]:
        """SRV, TXT and address records for the instances a PTR answer names (RFC 6763 §12)."""
        names = [rd.target for rrset in answers if rrset.rdtype == dns.rdatatype.PTR for rd in rrset]
        extra = [r for r in self.records if r.name in names and r.rdtype in (dns.rdatatype.SRV, dns.rdatatype.TXT)]
        if any(r.rdtype == dns.rdatatype.SRV for r in extra + answers):
            extra += self.lookup(self.host, dns.rdatatype.A)
        return [r for r in extra if r not in answers]


class MdnsResponder(asyncio.DatagramProtocol):
    def __init__(self, ctx: DeviceContext, zone: Zone) -> None:
        self.ctx, self.zone = ctx, zone
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        try:
            query = dns.message.from_wire(data)
        except dns.exception.DNSException:
            self.ctx.record("malformed", source=addr[0])
            return
        if query.flags & dns.flags.QR or not query.question or self.transport is None:
            return  # answers from others, and empty queries, get no reply
        answers = [r for q in query.question for r in self.zone.lookup(q.name, q.rdtype)]
        self.ctx.record("query", source=addr[0], questions=[q.name.to_text() for q in query.question])
        if not answers:
            return  # mDNS stays silent rather than answer NXDOMAIN
        reply = dns.message.make_response(query)
        reply.flags |= dns.flags.AA
        reply.answer = answers
        reply.additional = self.zone.additional(answers)
        self.transport.sendto(reply.to_wire(), addr)


async def start(ctx: DeviceContext) -> Running:
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(
        lambda: MdnsResponder(ctx, Zone(ctx)), local_addr=(ctx.device.address, ctx.service.port)
    )
    ctx.record("listening")

    async def stop() -> None:
        transport.close()

    return Running(stop)
