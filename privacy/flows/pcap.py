"""Rebuild data flows from a pcap or pcapng file and read their clear-text payloads for personal data.

The file is untrusted: a malformed packet is counted and skipped, a truncated file ends the reading,
and nothing is ever sent. Host names come only from the capture's own DNS answers and TLS SNI.
"""

import logging
from dataclasses import dataclass, field
from pathlib import Path
from struct import error as struct_error

from scapy.error import Scapy_Exception
from scapy.layers.dns import DNS
from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.inet6 import IPv6
from scapy.packet import Packet
from scapy.utils import PcapReader

from muniscan.facts.flows import FlowFact
from muniscan.privacy.detection.detector import PersonalDataDetector
from muniscan.privacy.flows import cleartext
from muniscan.privacy.flows.folding import FlowAuditor, FlowKey

STREAM_LIMIT = 1 << 21  # bytes kept per direction of a TCP connection
SEQUENCE_SPACE = 1 << 32
ENCRYPTED_PORTS = {22: "ssh", 443: "https", 636: "ldaps", 853: "dns-over-tls", 993: "imaps", 995: "pop3s",
                   5061: "sips", 5684: "coaps", 8443: "https", 8883: "mqtts"}  # fmt: skip
CLEAR_PORTS = {21: "ftp", 23: "telnet", 53: "dns", 80: "http", 514: "syslog", 601: "syslog", 1883: "mqtt",
               2323: "telnet", 5683: "coap", 8080: "http", 8081: "http", 161: "snmp", 502: "modbus"}  # fmt: skip


class PcapError(ValueError):
    """The file cannot be read as a capture at all; the message names it."""


@dataclass
class _Direction:
    """One direction's segments keyed by their offset from the first sequence number seen.

    TCP sequence numbers are 32-bit and wrap; offsets are taken modulo 2^32, so a connection whose
    numbers pass 2^32 keeps its order (a segment up to 2 GiB before the first one counts as earlier).
    """

    segments: dict[int, bytes] = field(default_factory=dict)
    size: int = 0
    base: int | None = None

    def add(self, seq: int, payload: bytes) -> None:
        if self.base is None:
            self.base = seq
        offset = (seq - self.base) % SEQUENCE_SPACE
        if offset >= SEQUENCE_SPACE // 2:
            offset -= SEQUENCE_SPACE
        if payload and self.size < STREAM_LIMIT and offset not in self.segments:
            self.segments[offset] = payload
            self.size += len(payload)

    def stream(self) -> bytes:
        """Segments in sequence order, retransmissions and overlaps dropped."""
        out, expected = bytearray(), None
        for offset in sorted(self.segments):
            data = self.segments[offset]
            if expected is not None and offset < expected:
                data = data[expected - offset :]
            out += data
            end = offset + len(self.segments[offset])
            expected = end if expected is None else max(expected, end)
        return bytes(out)


@dataclass
class _Connection:
    key: FlowKey
    client: _Direction = field(default_factory=_Direction)
    server: _Direction = field(default_factory=_Direction)
    datagrams: list[tuple[bool, bytes]] = field(default_factory=list)  # (from client, payload) for UDP


@dataclass(frozen=True)
class PcapAnalysis:
    path: str
    packets: int
    skipped: int  # not IP, or malformed
    truncated: bool
    flows: tuple[FlowFact, ...]


def _endpoints(packet: Packet) -> tuple[str, str] | None:
    if IP in packet:
        return packet[IP].src, packet[IP].dst
    if IPv6 in packet:
        return packet[IPv6].src, packet[IPv6].dst
    return None


def _server_side(sport: int, dport: int, syn_from_source: bool | None) -> bool:
    """Whether the packet goes to the server: a SYN decides, else the well-known (or lower) port."""
    if syn_from_source is not None:
        return syn_from_source
    known = set(CLEAR_PORTS) | set(ENCRYPTED_PORTS)
    if (dport in known) != (sport in known):
        return dport in known
    return dport <= sport


class PcapFlowReader:
    """Groups packets into connections (client → server:port), then reads each connection once."""

    def __init__(self, detector: PersonalDataDetector) -> None:
        self.auditor = FlowAuditor(detector)
        self.connections: dict[FlowKey, _Connection] = {}
        self.names: dict[str, str] = {}  # address -> DNS name, from the capture's answers
        self.packets = self.skipped = 0

    def add(self, packet: Packet) -> None:
        self.packets += 1
        ends = _endpoints(packet)
        if ends is None or (TCP not in packet and UDP not in packet):
            self.skipped += 1
            return
        src, dst = ends
        layer = packet[TCP] if TCP in packet else packet[UDP]
        transport = "tcp" if TCP in packet else "udp"
        sport, dport = int(layer.sport), int(layer.dport)
        payload = bytes(layer.payload)
        syn = None
        if transport == "tcp":
            flags = int(layer.flags)
            if flags & 0x02:
                syn = not flags & 0x10  # SYN without ACK comes from the client
        if transport == "udp" and 53 in (sport, dport) and DNS in packet:
            self._dns(packet[DNS])
        to_server = _server_side(sport, dport, syn)
        client, server, port = (src, dst, dport) if to_server else (dst, src, sport)
        key = FlowKey(client, server, transport, port)
        connection = self.connections.get(key)
        if connection is None:
            connection = self.connections[key] = _Connection(key)
        self.auditor.flow(key, "unknown", False)
        self.auditor.add_bytes(key, len(payload))
        if transport == "tcp":
            (connection.client if to_server else connection.server).add(int(layer.seq), payload)
        elif payload and len(connection.datagrams) < 10_000:
            connection.datagrams.append((to_server, payload))

    def _dns(self, dns: DNS) -> None:
        try:
            for index in range(int(dns.ancount or 0)):
                answer = dns.an[index]
                if int(answer.type) in (1, 28):  # A, AAAA
                    name = answer.rrname.decode("ascii", "replace").rstrip(".")
                    self.names[str(answer.rdata)] = name
        except (AttributeError, IndexError, TypeError, ValueError):
            return

    def finish(self) -> list[FlowFact]:
        for key, connection in self.connections.items():
            try:
                self._read(key, connection)
            except Exception:  # one unreadable connection must not end the audit of the others
                continue
        return self.auditor.flows()

    def _read(self, key: FlowKey, connection: _Connection) -> None:
        name = self.names.get(key.destination)
        if key.transport == "udp":
            self._read_datagrams(key, connection, name)
            return
        client, server = connection.client.stream(), connection.server.stream()
        if cleartext.is_tls(client) or cleartext.is_tls(server):
            self.auditor.flow(key, "tls", True, cleartext.tls_server_name(client) or name)
            return
        if client.startswith(b"SSH-") or server.startswith(b"SSH-"):
            self.auditor.flow(key, "ssh", True, name)
            return
        if not client and not server:
            protocol = ENCRYPTED_PORTS.get(key.port) or CLEAR_PORTS.get(key.port, "unknown")
            self.auditor.flow(key, protocol, key.port in ENCRYPTED_PORTS, name)
            return
        protocol = self._protocol(key.port, client)
        self.auditor.flow(key, protocol, False, name)
        reading = cleartext.StreamReading()
        if protocol == "mqtt":
            level = cleartext.mqtt_protocol_level(client)
            first, second = cleartext.mqtt_stream(client, level), cleartext.mqtt_stream(server, level)
            reading = cleartext.StreamReading(first.messages + second.messages, first.credentials)
        elif protocol == "http":
            first, second = cleartext.http_stream(client), cleartext.http_stream(server)
            reading = cleartext.StreamReading(first.messages + second.messages, first.credentials)
        elif protocol == "telnet":
            reading = cleartext.telnet_login(client, server)
        elif protocol == "ftp":
            reading = cleartext.ftp_login(client)
        elif protocol == "syslog":
            lines = (cleartext.syslog_datagram(line) for line in client.split(b"\n"))
            reading = cleartext.StreamReading(tuple(m for m in lines if m))
        for message in reading.messages:
            self.auditor.message(key, message.payload, message.topic)
        for kind in reading.credentials:
            self.auditor.credential(key, kind)

    @staticmethod
    def _protocol(port: int, client: bytes) -> str:
        if cleartext.looks_like_http(client):
            return "http"
        if client[:1] == b"\x10" and b"MQ" in client[:16]:
            return "mqtt"
        return CLEAR_PORTS.get(port, "unknown")

    def _read_datagrams(self, key: FlowKey, connection: _Connection, name: str | None) -> None:
        encrypted = key.port in ENCRYPTED_PORTS or any(cleartext.is_tls(d) for _, d in connection.datagrams[:3])
        protocol = ENCRYPTED_PORTS.get(key.port) if encrypted else CLEAR_PORTS.get(key.port, "unknown")
        self.auditor.flow(key, protocol or "dtls", encrypted, name)
        if encrypted:
            return
        for _from_client, data in connection.datagrams:
            message = None
            if protocol == "coap":
                message = cleartext.coap_datagram(data)
            elif protocol == "syslog":
                message = cleartext.syslog_datagram(data)
            if message is not None:
                self.auditor.message(key, message.payload, message.topic)


class _TruncationWatch(logging.Filter):
    """scapy only logs a cut-off last packet; note it, and keep the warning off the terminal."""

    def __init__(self) -> None:
        super().__init__()
        self.seen = False

    def filter(self, record: logging.LogRecord) -> bool:
        if "truncated" in record.getMessage():
            self.seen = True
            return False
        return True


def read_pcap(path: Path | str, detector: PersonalDataDetector) -> PcapAnalysis:
    """Every flow in the file with its personal data and clear-text logins; malformed input never raises mid-way."""
    path = Path(path)
    reader = PcapFlowReader(detector)
    truncated = False
    watch = _TruncationWatch()
    scapy_log = logging.getLogger("scapy.runtime")
    try:
        capture = PcapReader(str(path))
    except (Scapy_Exception, OSError, EOFError, ValueError) as exc:
        raise PcapError(f"{path}: not a pcap or pcapng capture ({exc})") from None
    scapy_log.addFilter(watch)
    try:
        while True:
            try:
                packet = capture.read_packet()
            except EOFError:
                break
            except (Scapy_Exception, ValueError, struct_error, IndexError, TypeError):
                truncated = True
                break
            if packet is None:
                break
            try:
                reader.add(packet)
            except Exception:  # a packet scapy cannot dissect is skipped, not fatal
                reader.skipped += 1
    finally:
        capture.close()
        scapy_log.removeFilter(watch)
    return PcapAnalysis(str(path), reader.packets, reader.skipped, truncated or watch.seen, tuple(reader.finish()))
