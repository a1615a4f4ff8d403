"""MQTT: can a client without credentials read the broker's traffic? Subscribe to `#` briefly and count.

Only counts and masked topic names become facts. The payloads stay in memory on the facts object
(`captured`) for the privacy audit of this scan, and are never stored or shown in findings.
"""

import asyncio
import secrets
import time

from muniscan.facts.mqtt_subscribe import CapturedMessage, MqttSubscribeFacts
from muniscan.policies.schema import Intrusiveness, Policy
from muniscan.privacy.detection.masking import mask_topic
from muniscan.scanner.gate import Gate
from muniscan.scanner.probes.base import ProbeSpec, ProtocolError, ServiceTarget
from muniscan.scanner.probes.mqtt import MQTT_PORTS, connect_packet, parse_connack, remaining_length
from muniscan.scanner.probes.tls import client_context

MAX_MESSAGES = 1000
MAX_BYTES = 1 << 20
TOPICS_SHOWN = 50


def subscribe_packet(packet_id: int, topic_filter: str) -> bytes:
    encoded = topic_filter.encode()
    body = packet_id.to_bytes(2, "big") + len(encoded).to_bytes(2, "big") + encoded + b"\x00"
    return b"\x82" + remaining_length(len(body)) + body


class PacketReader:
    """Splits the byte stream from the broker into MQTT control packets."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def feed(self, data: bytes) -> list[tuple[int, int, bytes]]:
        self.buffer += data
        packets = []
        while True:
            parsed = self._one()
            if parsed is None:
                return packets
            packets.append(parsed)

    def _one(self) -> tuple[int, int, bytes] | None:
        if len(self.buffer) < 2:
            return None
        length, multiplier, index = 0, 1, 1
        while True:
            if index >= len(self.buffer):
                return None
            byte = self.buffer[index]
            length += (byte & 0x7F) * multiplier
            multiplier *= 128
            index += 1
            if not byte & 0x80:
                break
            if index > 4:
                raise ProtocolError("malformed MQTT remaining length")
        if len(self.buffer) < index + length:
            return None
        header = self.buffer[0]
        body = bytes(self.buffer[index : index + length])
        del self.buffer[: index + length]
        return header >> 4, header & 0x0F, body


def parse_publish(flags: int, body: bytes) -> CapturedMessage:
    if len(body) < 2:
        raise ProtocolError("PUBLISH without a topic")
    size = int.from_bytes(body[:2], "big")
    topic = body[2 : 2 + size].decode("utf-8", "replace")
    start = 2 + size + (2 if (flags >> 1) & 0x03 else 0)
    return CapturedMessage(topic, body[start:], bool(flags & 0x01))


async def probe_mqtt_subscribe(gate: Gate, target: ServiceTarget, policy: Policy) -> MqttSubscribeFacts:
    seconds = policy.probes.mqtt_subscribe_seconds
    if seconds <= 0:
        return MqttSubscribeFacts(False, False, False, 0.0, 0, 0, 0, (), target.tls)
    tls = client_context() if target.tls else None
    captured: list[CapturedMessage] = []
    async with gate.tcp(target.address, target.port, tls=tls) as conn:
        await conn.send(connect_packet(f"muniscan-{secrets.token_hex(4)}"))
        if parse_connack(await conn.read_exactly(4)) != 0:
            return MqttSubscribeFacts(True, False, False, 0.0, 0, 0, 0, (), target.tls)
        await conn.send(subscribe_packet(1, "#"))
        reader, granted, started, received = PacketReader(), None, time.monotonic(), 0
        while (elapsed := time.monotonic() - started) < seconds and len(captured) < MAX_MESSAGES:
            try:
                chunk = await asyncio.wait_for(conn.reader.read(1 << 16), seconds - elapsed)
            except TimeoutError:
                break
            if not chunk:  # the broker closed the session
                break
            received += len(chunk)
            for kind, flags, body in reader.feed(chunk):
                if kind == 9 and len(body) >= 3:  # SUBACK: 0x80 is a refusal
                    granted = body[2] != 0x80
                elif kind == 3:
                    captured.append(parse_publish(flags, body))
            if received > MAX_BYTES:
                break
        await conn.send(b"\xe0\x00")
    listened = round(min(time.monotonic() - started, seconds), 2)
    topics = sorted({m.topic for m in captured})
    shown = tuple(sorted({mask_topic(t) for t in topics})[:TOPICS_SHOWN])
    facts = MqttSubscribeFacts(
        True, True, bool(granted) or bool(captured), listened, len(captured),
        sum(m.retained for m in captured), len(topics), shown, target.tls,
    )  # fmt: skip
    return facts.holding(captured)


PROBE = ProbeSpec(
    name="mqtt_subscribe",
    intrusiveness=Intrusiveness.SAFE,
    facts_type=MqttSubscribeFacts,
    applies=lambda t: t.transport == "tcp" and (t.port in MQTT_PORTS or t.name in {"mqtt", "mqtts"}),
    run=probe_mqtt_subscribe,
    description="Anonymous subscription to '#' for a few seconds: counts and masked topics; payloads in memory only",
)
