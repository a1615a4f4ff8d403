"""Host discovery by ICMP echo (needs root for a raw socket) or, without it, by TCP connect.

Every packet goes through the gate's scope check and limits. A TCP reset counts as an answer:
a host that refuses a connection is there.
"""

import asyncio
import ipaddress
import os
import socket
import struct
import time

from muniscan.facts.ping import PingFacts
from muniscan.scanner.gate import Gate

ICMP_ECHO_REQUEST, ICMP_ECHO_REPLY = 8, 0


def icmp_available() -> bool:
    """Raw ICMP needs root (or CAP_NET_RAW); without it discovery falls back to TCP."""
    try:
        socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP).close()
    except OSError:
        return False
    return True


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def echo_request(identifier: int, sequence: int, payload: bytes = b"muniscan") -> bytes:
    header = struct.pack("!BBHHH", ICMP_ECHO_REQUEST, 0, 0, identifier, sequence)
    checksum = _checksum(header + payload)
    return struct.pack("!BBHHH", ICMP_ECHO_REQUEST, 0, checksum, identifier, sequence) + payload


def is_echo_reply(packet: bytes, identifier: int, sequence: int) -> bool:
    """A raw socket sees the IP header too; anything short or foreign is not our reply."""
    if len(packet) < 20:
        return False
    header_length = (packet[0] & 0x0F) * 4
    icmp = packet[header_length : header_length + 8]
    if len(icmp) < 8:
        return False
    kind, _, _, ident, seq = struct.unpack("!BBHHH", icmp)
    return kind == ICMP_ECHO_REPLY and ident == identifier and seq == sequence


async def icmp_ping(gate: Gate, address: str, sequence: int = 1) -> PingFacts | None:
    """One echo request per try, up to the policy's retries; None when nothing answered."""
    if ipaddress.ip_address(address).version != 4:
        return None
    loop = asyncio.get_running_loop()
    identifier = (os.getpid() + sequence) & 0xFFFF
    for attempt in range(gate.rate.retries + 1):
        async with gate.permit(address):
            with socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP) as sock:
                sock.setblocking(False)
                started = time.monotonic()
                await loop.sock_sendto(sock, echo_request(identifier, sequence + attempt), (address, 0))
                deadline = started + gate.rate.connect_timeout
                while (remaining := deadline - time.monotonic()) > 0:
                    try:
                        packet, source = await asyncio.wait_for(loop.sock_recvfrom(sock, 1024), remaining)
                    except TimeoutError:
                        break
                    if source[0] == address and is_echo_reply(packet, identifier, sequence + attempt):
                        return PingFacts("icmp", round((time.monotonic() - started) * 1000, 2))
    return None


async def tcp_ping(gate: Gate, address: str, ports: list[int]) -> PingFacts | None:
    """The first of the ports that accepts or refuses a connection; silence on all of them is None."""
    for port in gate.scope.allowed_ports(ports):
        started = time.monotonic()
        try:
            async with gate.tcp(address, port):
                pass
        except ConnectionRefusedError:
            pass
        except (TimeoutError, OSError):
            continue
        return PingFacts("tcp", round((time.monotonic() - started) * 1000, 2), port)
    return None


async def ping(gate: Gate, address: str, tcp_ports: list[int], use_icmp: bool) -> PingFacts | None:
    """ICMP when allowed, else (or when ICMP is unanswered) TCP: many IoT devices drop echo requests."""
    if use_icmp and (found := await icmp_ping(gate, address)):
        return found
    return await tcp_ping(gate, address, tcp_ports)
