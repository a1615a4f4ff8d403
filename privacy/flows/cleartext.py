"""Read application messages out of clear-text streams and datagrams, as a capture saw them.

Every parser takes untrusted bytes and yields what it could read; anything malformed ends that
stream's reading quietly. Logins are reported by kind only: the account and secret are never kept.
"""

import re
from dataclasses import dataclass

from muniscan.scanner.probes.base import ProtocolError
from muniscan.scanner.probes.mqtt_subscribe import PacketReader, parse_publish

MAX_HTTP_BODY = 1 << 18


@dataclass(frozen=True)
class Message:
    payload: bytes
    topic: str | None = None  # an MQTT topic or a URL path, read as context for the payload


@dataclass(frozen=True)
class StreamReading:
    messages: tuple[Message, ...] = ()
    credentials: tuple[str, ...] = ()


def mqtt_protocol_level(client: bytes) -> int:
    """The protocol level a client's CONNECT announces (4 = 3.1.1, 5 = MQTT 5); 4 when there is none."""
    try:
        packets = PacketReader().feed(client[: 1 << 16])
    except ProtocolError:
        return 4
    for kind, _flags, body in packets[:1]:
        if kind == 1 and len(body) >= 3:
            name_length = int.from_bytes(body[:2], "big")
            if len(body) > 2 + name_length:
                return body[2 + name_length]
    return 4


def mqtt_stream(data: bytes, level: int = 4) -> StreamReading:
    """PUBLISH messages in either direction; a CONNECT with a user name or password is a login in clear.

    MQTT 5 (`level` 5) puts properties between the topic and the payload, and may replace the topic
    by an alias the sender set earlier in the same connection.
    """
    reader, messages, credentials = PacketReader(), [], set()
    aliases: dict[int, str] = {}
    try:
        packets = reader.feed(data)
    except ProtocolError:
        packets = []
    for kind, flags, body in packets:
        try:
            if kind == 3:
                message = parse_publish(flags, body) if level < 5 else _publish_v5(flags, body, aliases)
                messages.append(Message(message.payload, message.topic))
            elif kind == 1 and len(body) >= 10:
                name_length = int.from_bytes(body[:2], "big")
                connect_flags = body[2 + name_length + 1] if len(body) > 3 + name_length else 0
                if connect_flags & 0x40:
                    credentials.add("mqtt CONNECT password")
                elif connect_flags & 0x80:
                    credentials.add("mqtt CONNECT user name")
        except (ProtocolError, IndexError, ValueError):
            continue
    return StreamReading(tuple(messages), tuple(sorted(credentials)))


def _varint(data: bytes, position: int) -> tuple[int, int]:
    """MQTT variable byte integer at position: (value, position after it)."""
    value, shift = 0, 0
    for index in range(4):
        if position + index >= len(data):
            raise ProtocolError("MQTT variable byte integer runs past the packet")
        byte = data[position + index]
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, position + index + 1
        shift += 7
    raise ProtocolError("malformed MQTT variable byte integer")


# PUBLISH property identifiers (MQTT 5.0, 3.3.2.3) and the size of their values; -1 = two-byte length prefix.
_PUBLISH_PROPERTIES = {0x01: 1, 0x02: 4, 0x03: -1, 0x08: -1, 0x09: -1, 0x0B: 0, 0x23: 2, 0x26: -2}
_TOPIC_ALIAS = 0x23


def _publish_v5(flags: int, body: bytes, aliases: dict[int, str]) -> Message:
    """An MQTT 5 PUBLISH: topic, packet id when QoS > 0, properties, payload; topic aliases resolved."""
    if len(body) < 2:
        raise ProtocolError("PUBLISH without a topic")
    size = int.from_bytes(body[:2], "big")
    topic = body[2 : 2 + size].decode("utf-8", "replace")
    position = 2 + size + (2 if (flags >> 1) & 0x03 else 0)
    length, position = _varint(body, position)
    end = position + length
    if end > len(body):
        raise ProtocolError("PUBLISH properties run past the packet")
    alias = None
    while position < end:
        identifier, position = _varint(body, position)
        kind = _PUBLISH_PROPERTIES.get(identifier)
        if kind is None:
            raise ProtocolError(f"unknown PUBLISH property {identifier:#x}")
        if identifier == _TOPIC_ALIAS:
            alias = int.from_bytes(body[position : position + 2], "big")
        if kind == 0:
            _value, position = _varint(body, position)
        elif kind > 0:
            position += kind
        else:
            for _ in range(-kind):  # a string, or a string pair (user property)
                position += 2 + int.from_bytes(body[position : position + 2], "big")
    if alias is not None:
        if topic:
            aliases[alias] = topic
        else:
            topic = aliases.get(alias, "")
    return Message(body[end:], topic or None)


_HTTP_START = re.compile(rb"^(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) [^ ]+ HTTP/1\.[01]\r?\n|^HTTP/1\.[01] \d{3}")
_AUTH = re.compile(rb"^(?:proxy-)?authorization:\s*(\w+)", re.IGNORECASE | re.MULTILINE)
_LENGTH = re.compile(rb"^content-length:\s*(\d+)", re.IGNORECASE | re.MULTILINE)


def looks_like_http(data: bytes) -> bool:
    return bool(_HTTP_START.match(data[:64]))


def http_stream(data: bytes) -> StreamReading:
    """Requests and responses one after another: URL queries and bodies are messages; Authorization is a login."""
    messages: list[Message] = []
    credentials: set[str] = set()
    position = 0
    while position < len(data) and len(messages) < 10_000:
        end = data.find(b"\r\n\r\n", position)
        if end < 0:
            break
        head = data[position:end]
        first_line = head.split(b"\r\n", 1)[0]
        for scheme in _AUTH.findall(head):
            credentials.add(f"http {scheme.decode('ascii', 'replace').capitalize()} authorization")
        length_match = _LENGTH.search(head)
        length = min(int(length_match.group(1)), MAX_HTTP_BODY) if length_match else 0
        body_start = end + 4
        if not length_match and not first_line.startswith(b"HTTP/"):
            length = 0
        elif not length_match:  # a response without a length runs to the end of the connection
            length = min(len(data) - body_start, MAX_HTTP_BODY)
        body = data[body_start : body_start + length]
        parts = first_line.split(b" ")
        if len(parts) >= 2 and not first_line.startswith(b"HTTP/"):
            target = parts[1].decode("utf-8", "replace")
            path, _, query = target.partition("?")
            if query:
                messages.append(Message(query.encode(), path))
            if body:
                messages.append(Message(body, path))
        elif body:
            messages.append(Message(body, None))
        position = body_start + length
    return StreamReading(tuple(messages), tuple(sorted(credentials)))


def coap_datagram(data: bytes) -> Message | None:
    """A CoAP message's payload, with its Uri-Path as the topic (RFC 7252 option encoding)."""
    if len(data) < 4 or data[0] >> 6 != 1:
        return None
    position = 4 + (data[0] & 0x0F)
    number, path = 0, []
    while position < len(data) and data[position] != 0xFF:
        delta, length = data[position] >> 4, data[position] & 0x0F
        position += 1
        for which in ("delta", "length"):
            value = delta if which == "delta" else length
            if value == 13:
                if position >= len(data):
                    return None
                value, position = data[position] + 13, position + 1
            elif value == 14:
                if position + 1 >= len(data):
                    return None
                value, position = int.from_bytes(data[position : position + 2], "big") + 269, position + 2
            elif value == 15:
                return None
            if which == "delta":
                delta = value
            else:
                length = value
        number += delta
        if number == 11:
            path.append(data[position : position + length].decode("utf-8", "replace"))
        position += length
    payload = data[position + 1 :] if position < len(data) else b""
    return Message(payload, "/".join(path) or None) if payload else None


_TELNET_COMMAND = re.compile(rb"\xff[\xfb-\xfe].|\xff\xfa.*?\xff\xf0|\xff[\xf0-\xfa]", re.DOTALL)
_LOGIN_PROMPT = re.compile(rb"(?:login|username|user name|password)\s*:", re.IGNORECASE)


def telnet_login(client: bytes, server: bytes) -> StreamReading:
    """A telnet session where the device asked for a login and the client typed one: credentials in clear."""
    typed = _TELNET_COMMAND.sub(b"", client).strip()
    if typed and _LOGIN_PROMPT.search(_TELNET_COMMAND.sub(b"", server)):
        return StreamReading(credentials=("telnet login",))
    return StreamReading()


def ftp_login(client: bytes) -> StreamReading:
    commands = {line.split(b" ", 1)[0].upper() for line in client.split(b"\r\n") if line}
    if b"PASS" in commands:
        return StreamReading(credentials=("ftp USER/PASS",))
    return StreamReading(credentials=("ftp USER",)) if b"USER" in commands else StreamReading()


def syslog_datagram(data: bytes) -> Message | None:
    text = data.strip()
    return Message(text, "syslog") if text else None


def tls_server_name(client_hello: bytes) -> str | None:
    """The SNI host name from a TLS ClientHello at the start of a stream (RFC 8446 §4.1.2, RFC 6066 §3)."""
    data = client_hello
    if len(data) < 43 or data[0] != 0x16 or data[5] != 0x01:
        return None
    position = 5 + 4 + 2 + 32  # record header, handshake header, version, random
    try:
        position += 1 + data[position]  # session id
        position += 2 + int.from_bytes(data[position : position + 2], "big")  # cipher suites
        position += 1 + data[position]  # compression methods
        end = position + 2 + int.from_bytes(data[position : position + 2], "big")
        position += 2
        while position + 4 <= min(end, len(data)):
            kind = int.from_bytes(data[position : position + 2], "big")
            size = int.from_bytes(data[position + 2 : position + 4], "big")
            body = data[position + 4 : position + 4 + size]
            if kind == 0 and len(body) > 5 and body[2] == 0:
                name_length = int.from_bytes(body[3:5], "big")
                name = body[5 : 5 + name_length].decode("ascii")
                return name if name and all(c.isalnum() or c in "-._" for c in name) else None
            position += 4 + size
    except (IndexError, UnicodeDecodeError):
        return None
    return None


def is_tls(data: bytes) -> bool:
    return len(data) >= 3 and data[0] in (0x14, 0x15, 0x16, 0x17) and data[1] == 0x03 and data[2] <= 0x04
