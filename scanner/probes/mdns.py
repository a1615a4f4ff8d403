"""mDNS/DNS-SD: which services does the device advertise, under what host name, with what TXT details?

Queries are sent unicast to the device's own address on UDP 5353 from another port (RFC 6762 §6.7
legacy unicast), never to the multicast group; messages are built and parsed with dnspython. Instance
names, host names and TXT values are stored with identifiers (MACs, serials, long numbers) masked.
"""

import re
import secrets

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rdatatype
import dns.rrset

from muniscan.facts.mdns import MdnsFacts, MdnsService
from muniscan.policies.schema import Intrusiveness, Policy
from muniscan.privacy.detection.identifiers import mac_hex
from muniscan.privacy.detection.masking import mask_generic, mask_mac, mask_topic_level
from muniscan.scanner.gate import Gate
from muniscan.scanner.probes.base import ProbeSpec, ProtocolError, ServiceTarget
from muniscan.text import terminal_safe

MDNS_PORT = 5353
SERVICES_META = "_services._dns-sd._udp.local."
MAX_TYPES = 10
MAX_INSTANCES = 10
IDENTIFIER_KEYS = frozenset(
    {"serial", "serialnumber", "sn", "mac", "macaddress", "hwaddr", "deviceid", "id", "uuid", "imei", "udid"}
)
_MAC_INSIDE = re.compile(
    r"(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}(?![0-9A-Fa-f])|(?<![0-9A-Za-z])[0-9A-Fa-f]{12}(?![0-9A-Za-z])"
)


def mask_identifiers(text: str) -> str:
    """Free text from a device with MACs (also inside host names), e-mails, personnummer and long numbers masked."""
    text = _MAC_INSIDE.sub(lambda m: mask_mac(m.group()), terminal_safe(text, limit=200))
    return " ".join(mask_topic_level(word) for word in text.split(" "))


def mask_txt(entry: bytes) -> str:
    key, sep, value = terminal_safe(entry.decode("utf-8", "replace"), limit=200).partition("=")
    if key.lower().replace("_", "").replace("-", "") in IDENTIFIER_KEYS and value:
        value = mask_mac(value) if mac_hex(value) else mask_generic(value)
    return f"{key}{sep}{mask_identifiers(value)}" if sep else key


def label(name: dns.name.Name, parent: dns.name.Name) -> str:
    """The part of `name` under `parent`, as text a person reads (`_http._tcp`, `Lobby display`)."""
    relative = name.relativize(parent) if name.is_subdomain(parent) else name
    return ".".join(part.decode("utf-8", "replace") for part in relative.labels)


async def query(gate: Gate, target: ServiceTarget, name: str | dns.name.Name, rdtype: int) -> dns.message.Message:
    request = dns.message.make_query(name, rdtype)
    request.id = secrets.randbelow(0x10000)
    reply = await gate.udp_exchange(target.address, target.port, request.to_wire())
    if reply is None:
        raise TimeoutError(f"no mDNS answer for {name}")
    try:
        response = dns.message.from_wire(reply)
    except dns.exception.DNSException as exc:
        raise ProtocolError(f"not a DNS message: {type(exc).__name__}") from None
    if not response.flags & dns.flags.QR or response.id != request.id:
        raise ProtocolError("mDNS answer to another query")
    return response


def records(response: dns.message.Message, rdtype: int) -> list[dns.rrset.RRset]:
    return [r for r in response.answer + response.additional if r.rdtype == rdtype]


async def describe(
    gate: Gate,
    target: ServiceTarget,
    instance: dns.name.Name,
    service_type: dns.name.Name,
    known: list[dns.rrset.RRset],
) -> MdnsService:
    """SRV and TXT of one instance, from the PTR answer's additional records or asked for."""
    found = {r.rdtype: r for r in known if r.name == instance}
    for rdtype in (dns.rdatatype.SRV, dns.rdatatype.TXT):
        if rdtype not in found:
            try:
                answer = await query(gate, target, instance, rdtype)
            except TimeoutError:
                continue
            found.update({r.rdtype: r for r in records(answer, rdtype) if r.name == instance})
    srv = next(iter(found[dns.rdatatype.SRV]), None) if dns.rdatatype.SRV in found else None
    txt = [s for rd in found.get(dns.rdatatype.TXT, []) for s in rd.strings if s]
    return MdnsService(
        label(service_type, dns.name.from_text("local.")),
        mask_identifiers(label(instance, service_type)),
        mask_identifiers(label(srv.target, dns.name.from_text("local."))) if srv else "",
        int(srv.port) if srv else None,
        tuple(mask_txt(s) for s in txt[:20]),
    )


async def probe_mdns(gate: Gate, target: ServiceTarget, policy: Policy) -> MdnsFacts:
    listing = await query(gate, target, SERVICES_META, dns.rdatatype.PTR)
    types = [rd.target for r in records(listing, dns.rdatatype.PTR) for rd in r][:MAX_TYPES]
    services = []
    for service_type in types:
        try:
            answer = await query(gate, target, service_type, dns.rdatatype.PTR)
        except TimeoutError:
            continue
        known = records(answer, dns.rdatatype.SRV) + records(answer, dns.rdatatype.TXT)
        for instance in [rd.target for r in records(answer, dns.rdatatype.PTR) if r.name == service_type for rd in r]:
            if len(services) < MAX_INSTANCES:
                services.append(await describe(gate, target, instance, service_type, known))
    local = dns.name.from_text("local.")
    return MdnsFacts(tuple(label(t, local) for t in types), tuple(services))


PROBE = ProbeSpec(
    name="mdns",
    intrusiveness=Intrusiveness.SAFE,
    facts_type=MdnsFacts,
    applies=lambda t: t.transport == "udp" and (t.port == MDNS_PORT or t.name == "mdns"),
    run=probe_mdns,
    description="unicast DNS-SD queries to the device: service types, then each instance's SRV and TXT",
)
