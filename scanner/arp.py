"""ARP sweep with scapy, only on segments the scanner has an interface on, and only in scope.

ARP works on layer 2, so it is only sent where the scanner's own interface is directly attached to
the target network (a namespace lab, or a scan agent placed in a VLAN); never over loopback.
"""

import asyncio
import ipaddress
from dataclasses import dataclass

from muniscan.facts.arp import ArpFacts
from muniscan.scanner.gate import Gate


@dataclass(frozen=True)
class Segment:
    network: ipaddress.IPv4Network
    interface: str
    own_address: str


def attached_segments() -> list[Segment]:
    """Directly connected IPv4 networks (no gateway) of interfaces other than loopback."""
    import scapy.route  # noqa: F401  (fills conf.route)
    from scapy.config import conf

    conf.route.resync()
    segments = []
    for net, mask, gateway, interface, own, _metric in conf.route.routes:
        name = getattr(interface, "name", interface)
        if gateway != "0.0.0.0" or mask == 0 or name == "lo" or own.startswith("127."):
            continue
        network = ipaddress.IPv4Network((net, bin(mask).count("1")), strict=False)
        if network.prefixlen < 32:
            segments.append(Segment(network, str(name), own))
    return segments


def segment_for(address: str, segments: list[Segment]) -> Segment | None:
    ip = ipaddress.ip_address(address)
    if ip.version != 4:
        return None
    return next((s for s in segments if ip in s.network and str(ip) != s.own_address), None)


def _who_has(addresses: list[str], interface: str, timeout: float, retries: int, interval: float) -> dict[str, str]:
    from scapy.layers.l2 import ARP, Ether
    from scapy.sendrecv import srp

    answered, _ = srp(
        [Ether(dst="ff:ff:ff:ff:ff:ff") / ARP(pdst=a) for a in addresses],
        iface=interface,
        timeout=timeout,
        retry=retries,
        inter=interval,
        verbose=False,
    )
    return {reply[ARP].psrc: reply[ARP].hwsrc.lower() for _, reply in answered if reply[ARP].psrc in addresses}


async def arp_sweep(gate: Gate, addresses: list[str]) -> dict[str, ArpFacts]:
    """The MAC of every in-scope address on an attached segment that answered an ARP request."""
    segments = attached_segments()
    by_segment: dict[Segment, list[str]] = {}
    for address in addresses:
        segment = segment_for(address, segments)
        if segment is not None:
            gate.scope.require(address)  # refuse before anything is sent, as for every other packet
            by_segment.setdefault(segment, []).append(address)
    found: dict[str, ArpFacts] = {}
    for segment, targets in by_segment.items():
        for address in targets:
            async with gate.permit(address):
                pass  # accounting and the rate budget; scapy paces the frames itself below
        macs = await asyncio.to_thread(
            _who_has,
            targets,
            segment.interface,
            gate.rate.connect_timeout,
            gate.rate.retries,
            1.0 / gate.rate.packets_per_second,
        )
        found.update({a: ArpFacts(mac, segment.interface) for a, mac in macs.items()})
    return found
