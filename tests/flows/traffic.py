"""Synthetic device traffic written as pcap files with scapy: known flows with known personal data."""

import base64
import json
from pathlib import Path

from scapy.layers.dns import DNS, DNSQR, DNSRR
from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.l2 import Ether
from scapy.packet import Packet, Raw
from scapy.utils import wrpcap

from muniscan.scanner.probes.mqtt import remaining_length

PERSONNUMMER = "19871220-2384"
EMAIL = "anna.svensson@example.se"
MAC = "d0:50:99:84:a2:a0"
PLATE = "KLM 12A"
MQTT_PASSWORD = "Gw-2024-secret"
HTTP_PASSWORD = "Kl1mat-2019!"
FTP_PASSWORD = "ftp-Secret-77"
TELNET_PASSWORD = "tel-Secret-88"
PLANTED = (PERSONNUMMER, EMAIL, MAC, PLATE, MQTT_PASSWORD, HTTP_PASSWORD, FTP_PASSWORD, TELNET_PASSWORD)


def tcp_session(
    client: str,
    server: str,
    sport: int,
    dport: int,
    exchanges: list[tuple[bool, bytes]],
    client_isn: int = 999,
    server_isn: int = 4999,
) -> list[Packet]:
    """A handshake, then each (from_client, data) as one segment with correct (32-bit, wrapping) sequence numbers."""
    seq_c, seq_s = (client_isn + 1) % 2**32, (server_isn + 1) % 2**32
    packets = [
        Ether() / IP(src=client, dst=server) / TCP(sport=sport, dport=dport, flags="S", seq=client_isn),
        Ether() / IP(src=server, dst=client) / TCP(sport=dport, dport=sport, flags="SA", seq=server_isn, ack=seq_c),
        Ether() / IP(src=client, dst=server) / TCP(sport=sport, dport=dport, flags="A", seq=seq_c, ack=seq_s),
    ]
    for from_client, data in exchanges:
        if from_client:
            segment = TCP(sport=sport, dport=dport, flags="PA", seq=seq_c, ack=seq_s)
            packets.append(Ether() / IP(src=client, dst=server) / segment / Raw(data))
            seq_c = (seq_c + len(data)) % 2**32
        else:
            segment = TCP(sport=dport, dport=sport, flags="PA", seq=seq_s, ack=seq_c)
            packets.append(Ether() / IP(src=server, dst=client) / segment / Raw(data))
            seq_s = (seq_s + len(data)) % 2**32
    return packets


def mqtt_connect(user: str, password: str) -> bytes:
    ident, name, secret = b"sensor-1", user.encode(), password.encode()
    variable = b"\x00\x04MQTT\x04" + bytes([0x02 | 0x80 | 0x40]) + (30).to_bytes(2, "big")
    body = variable + len(ident).to_bytes(2, "big") + ident + len(name).to_bytes(2, "big") + name
    body += len(secret).to_bytes(2, "big") + secret
    return b"\x10" + remaining_length(len(body)) + body


def mqtt_publish(topic: str, payload: bytes) -> bytes:
    encoded = topic.encode()
    body = len(encoded).to_bytes(2, "big") + encoded + payload
    return b"\x30" + remaining_length(len(body)) + body


def coap_post(path: str, payload: bytes) -> bytes:
    options = bytearray()
    previous = 0
    for segment in path.split("/"):
        value = segment.encode()
        options += bytes([((11 - previous) << 4) | len(value)]) + value
        previous = 11
    return bytes([0x40 | 0, 0x02, 0x12, 0x34]) + bytes(options) + b"\xff" + payload


def tls_client_hello(server_name: str) -> bytes:
    name = server_name.encode()
    sni = (0).to_bytes(2, "big") + (len(name) + 5).to_bytes(2, "big") + (len(name) + 3).to_bytes(2, "big")
    sni += b"\x00" + len(name).to_bytes(2, "big") + name
    body = b"\x03\x03" + b"\x11" * 32 + b"\x00" + b"\x00\x02\x13\x01" + b"\x01\x00"
    body += len(sni).to_bytes(2, "big") + sni
    handshake = b"\x01" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x01" + len(handshake).to_bytes(2, "big") + handshake


def city_traffic() -> list[Packet]:
    """A parking sensor, a people counter, a BMS and a camera, each with one known flow."""
    reading = json.dumps({"personnummer": PERSONNUMMER, "plate": PLATE, "bay": 12}).encode()
    basic = base64.b64encode(f"admin:{HTTP_PASSWORD}".encode())
    post = json.dumps({"contact": EMAIL, "visitors": 4}).encode()
    http = b"POST /api/report HTTP/1.1\r\nHost: bms.local\r\nAuthorization: Basic " + basic
    http += b"\r\nContent-Length: " + str(len(post)).encode() + b"\r\n\r\n" + post
    packets: list[Packet] = []
    packets += tcp_session("10.20.0.11", "10.20.0.2", 40001, 1883, [
        (True, mqtt_connect("gateway", MQTT_PASSWORD)), (False, b"\x20\x02\x00\x00"),
        (True, mqtt_publish("city/parking/bay-12", reading)),
    ])  # fmt: skip
    reply = b"HTTP/1.1 204 No Content\r\n\r\n"
    packets += tcp_session("10.20.0.12", "10.20.0.3", 40002, 80, [(True, http), (False, reply)])
    packets.append(
        Ether()
        / IP(src="10.20.0.13", dst="10.20.0.4")
        / UDP(sport=40003, dport=5683)
        / Raw(coap_post("counter/wifi", json.dumps({"mac": MAC, "rssi": -71}).encode()))
    )
    packets.append(
        Ether()
        / IP(src="10.20.0.13", dst="10.20.0.5")
        / UDP(sport=514, dport=514)
        / Raw(f"<13>counter: probe from {MAC}".encode())
    )
    packets += tcp_session("10.20.0.14", "10.20.0.6", 40004, 23, [
        (False, b"\xff\xfd\x18login: "), (True, b"admin\r\n"), (False, b"Password: "),
        (True, TELNET_PASSWORD.encode() + b"\r\n"),
    ])  # fmt: skip
    packets += tcp_session("10.20.0.14", "10.20.0.6", 40005, 21, [
        (False, b"220 ready\r\n"), (True, b"USER admin\r\n"), (False, b"331 password\r\n"),
        (True, b"PASS " + FTP_PASSWORD.encode() + b"\r\n"),
    ])  # fmt: skip
    packets.append(
        Ether()
        / IP(src="10.20.0.1", dst="10.20.0.15")
        / UDP(sport=53, dport=40006)
        / DNS(
            id=1,
            qr=1,
            qd=DNSQR(qname="cloud.camvendor.example"),
            an=DNSRR(rrname="cloud.camvendor.example", type="A", rdata="198.51.100.7"),
        )
    )
    hello = tls_client_hello("upload.camvendor.example")
    packets += tcp_session("10.20.0.15", "198.51.100.7", 40007, 443, [(True, hello)])
    return packets


def write_city_pcap(path: Path) -> Path:
    wrpcap(str(path), city_traffic())
    return path
