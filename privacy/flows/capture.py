"""Live MQTT capture through the scope gate: subscribe for a while, read payloads in memory, keep only flow facts."""

import asyncio
import ipaddress
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from muniscan.facts.flows import DataFlowFacts
from muniscan.facts.mqtt_subscribe import CapturedMessage
from muniscan.policies.schema import Policy
from muniscan.privacy.detection.detector import PersonalDataDetector
from muniscan.privacy.flows.folding import FlowAuditor, FlowKey
from muniscan.scanner.gate import Gate
from muniscan.scanner.probes.base import ProtocolError
from muniscan.scanner.probes.mqtt import parse_connack, remaining_length
from muniscan.scanner.probes.mqtt_subscribe import MAX_BYTES, PacketReader, parse_publish
from muniscan.scanner.probes.tls import client_context
from muniscan.scanner.scope import Scope

MAX_CAPTURED = 100_000


class CaptureError(ValueError):
    """The capture cannot start (bad URL, refused login); the message says why."""


@dataclass(frozen=True)
class BrokerUrl:
    address: str
    port: int
    tls: bool

    @classmethod
    def parse(cls, url: str) -> "BrokerUrl":
        """mqtt://ADDRESS[:PORT] or mqtts://...; an address, never a name, so nothing is looked up."""
        parts = urlsplit(url)
        if parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
            raise CaptureError(f"{url!r}: give mqtt://ADDRESS:PORT or mqtts://ADDRESS:PORT")
        try:
            address = str(ipaddress.ip_address(parts.hostname))
            port = parts.port or (8883 if parts.scheme == "mqtts" else 1883)
        except ValueError as exc:
            raise CaptureError(f"{url!r}: the host must be an IP address (no name lookups): {exc}") from None
        return cls(address, port, parts.scheme == "mqtts")


def login_packet(client_id: str, username: str | None, password: str | None) -> bytes:
    """MQTT 3.1.1 CONNECT, clean session, with an optional user name and password."""
    flags = 0x02 | (0x80 if username else 0) | (0x40 if username and password else 0)
    payload = b""
    for text in (client_id, username if username else None, password if username and password else None):
        if text is not None:
            encoded = text.encode()
            payload += len(encoded).to_bytes(2, "big") + encoded
    body = b"\x00\x04MQTT\x04" + bytes([flags]) + (60).to_bytes(2, "big") + payload
    return b"\x10" + remaining_length(len(body)) + body


def subscribe_all(packet_id: int, topics: list[str]) -> bytes:
    body = packet_id.to_bytes(2, "big")
    for topic in topics:
        encoded = topic.encode()
        body += len(encoded).to_bytes(2, "big") + encoded + b"\x00"
    return b"\x82" + remaining_length(len(body)) + body


async def subscribe_and_read(
    gate: Gate, broker: BrokerUrl, topics: list[str], seconds: float, username: str | None, password: str | None
) -> list[CapturedMessage]:
    """PUBLISH packets received for `seconds`; the gate refuses an out-of-scope broker before connecting."""
    captured: list[CapturedMessage] = []
    tls = client_context() if broker.tls else None
    async with gate.tcp(broker.address, broker.port, tls=tls) as conn:
        await conn.send(login_packet(f"muniscan-{secrets.token_hex(4)}", username, password))
        code = parse_connack(await conn.read_exactly(4))
        if code != 0:
            raise CaptureError(f"the broker refused the connection (CONNACK code {code})")
        await conn.send(subscribe_all(1, topics))
        reader, started, received = PacketReader(), time.monotonic(), 0
        while (elapsed := time.monotonic() - started) < seconds and len(captured) < MAX_CAPTURED:
            try:
                chunk = await asyncio.wait_for(conn.reader.read(1 << 16), seconds - elapsed)
            except TimeoutError:
                break
            if not chunk:
                break
            received += len(chunk)
            try:
                captured += [parse_publish(f, body) for kind, f, body in reader.feed(chunk) if kind == 3]
            except ProtocolError:
                break
            if received > MAX_BYTES * 64:
                break
        await conn.send(b"\xe0\x00")
    return captured


def capture_flows(
    broker: BrokerUrl,
    policy: Policy,
    detector: PersonalDataDetector,
    topics: list[str],
    seconds: float,
    username: str | None = None,
    password: str | None = None,
) -> DataFlowFacts:
    """Capture, then fold the messages into one flow (clients → broker); the payloads go out of scope here."""
    scope = Scope.from_policy(policy.scope)
    scope.require(broker.address, broker.port)
    gate = Gate(scope, policy.rate)
    messages = asyncio.run(subscribe_and_read(gate, broker, topics, seconds, username, password))
    auditor = FlowAuditor(detector)
    key = FlowKey("", broker.address, "tcp", broker.port)
    auditor.flow(key, "mqtts" if broker.tls else "mqtt", broker.tls)
    for message in messages:
        auditor.add_bytes(key, len(message.payload))
        auditor.message(key, message.payload, message.topic)
    return auditor.facts("capture")
