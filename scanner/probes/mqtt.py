"""MQTT: does the broker accept a client that brings no credentials?"""

import secrets

from muniscan.facts.mqtt import MqttFacts
from muniscan.policies.schema import Intrusiveness, Policy
from muniscan.scanner.gate import Gate
from muniscan.scanner.probes.base import ProbeSpec, ProtocolError, ServiceTarget
from muniscan.scanner.probes.tls import client_context

MQTT_PORTS = frozenset({1883, 8883})
CONNACK_REASONS = {
    0: "accepted",
    1: "unacceptable protocol version",
    2: "identifier rejected",
    3: "server unavailable",
    4: "bad user name or password",
    5: "not authorised",
}


def remaining_length(length: int) -> bytes:
    encoded = bytearray()
    while True:
        byte, length = length % 128, length // 128
        encoded.append(byte | (0x80 if length else 0))
        if not length:
            return bytes(encoded)


def connect_packet(client_id: str) -> bytes:
    """An MQTT 3.1.1 CONNECT with a clean session and no user name or password."""
    ident = client_id.encode()
    variable = b"\x00\x04MQTT" + b"\x04" + b"\x02" + (30).to_bytes(2, "big")
    payload = len(ident).to_bytes(2, "big") + ident
    body = variable + payload
    return b"\x10" + remaining_length(len(body)) + body


def parse_connack(data: bytes) -> int:
    if len(data) != 4 or data[0] != 0x20 or data[1] != 0x02:
        raise ProtocolError(f"expected CONNACK, got {data[:8].hex() or 'nothing'}")
    return data[3]


async def probe_mqtt(gate: Gate, target: ServiceTarget, policy: Policy) -> MqttFacts:
    tls = client_context() if target.tls else None
    async with gate.tcp(target.address, target.port, tls=tls) as conn:
        await conn.send(connect_packet(f"muniscan-{secrets.token_hex(4)}"))
        code = parse_connack(await conn.read_exactly(4))
        if code == 0:
            await conn.send(b"\xe0\x00")  # DISCONNECT: leave politely
    return MqttFacts(code == 0, code, CONNACK_REASONS.get(code, "unknown"), target.tls)


PROBE = ProbeSpec(
    name="mqtt",
    intrusiveness=Intrusiveness.SAFE,
    facts_type=MqttFacts,
    applies=lambda t: t.transport == "tcp" and (t.port in MQTT_PORTS or t.name in {"mqtt", "mqtts"}),
    run=probe_mqtt,
    description="MQTT CONNECT without credentials: accepted or refused",
)
