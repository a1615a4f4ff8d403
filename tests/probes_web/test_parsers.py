"""Given bytes from a device (well-formed or hostile), the protocol parsers answer or raise ProtocolError."""

import struct

import pytest

from muniscan.checks.ssh_grading import weak_algorithms
from muniscan.checks.tls_grading import grade_suite
from muniscan.facts.tls import CipherFacts
from muniscan.scanner.credentials.login import mqtt_connect
from muniscan.scanner.probes.base import ProtocolError
from muniscan.scanner.probes.http import auth_scheme, parse_cookie, parse_response
from muniscan.scanner.probes.ssh import host_key_facts, packet, parse_kexinit
from muniscan.scanner.probes.tls_hello import SUITES, TLS12, client_hello


def test_client_hello_offers_exactly_the_suites_and_version_asked() -> None:
    hello = client_hello(TLS12, [0xC02F, 0x0005])
    assert hello[0] == 0x16 and struct.unpack("!H", hello[9:11])[0] == TLS12
    offered = hello[11 + 32 + 1 :]
    assert offered[:6] == b"\x00\x04\xc0\x2f\x00\x05"


def test_every_catalogued_suite_has_a_grade_and_insecure_ones_say_why() -> None:
    grades = [grade_suite(CipherFacts("1.2", name)) for name in SUITES.values()]
    assert {g.grade for g in grades} == {"strong", "acceptable", "weak", "insecure"}
    assert all(g.reason for g in grades if g.grade in {"weak", "insecure"})


def kexinit(*lists: str) -> bytes:
    body = b"".join(struct.pack("!I", len(x)) + x.encode() for x in lists)
    return bytes([20]) + b"\x00" * 16 + body + b"\x00" + b"\x00" * 4


def test_kexinit_lists_are_read_in_order() -> None:
    names = ["curve25519-sha256", "ssh-ed25519", "aes128-ctr", "aes128-ctr", "hmac-sha1", "hmac-sha1"]
    lists = parse_kexinit(kexinit(*names, "none", "none", "", ""))
    assert lists[0] == ("curve25519-sha256",) and lists[4] == ("hmac-sha1",) and lists[8] == ()


@pytest.mark.parametrize("payload", [b"", b"\x05hello", kexinit("curve25519-sha256")[:30]])
def test_garbage_kexinit_is_a_protocol_error(payload: bytes) -> None:
    with pytest.raises(ProtocolError):
        parse_kexinit(payload)


def test_packets_are_padded_to_blocks_of_eight() -> None:
    assert len(packet(b"x" * 13)) % 8 == 0 and packet(b"x")[4] >= 4


def test_host_key_fingerprint_is_openssh_style() -> None:
    blob = struct.pack("!I", 11) + b"ssh-ed25519" + struct.pack("!I", 32) + b"k" * 32
    kind, bits, fingerprint = host_key_facts(blob)
    assert (kind, bits) == ("ssh-ed25519", 256) and fingerprint.startswith("SHA256:") and "=" not in fingerprint


def test_pseudo_algorithms_are_not_weak() -> None:
    from muniscan.facts.ssh import SshFacts

    facts = SshFacts("SSH-2.0-x", "x", ("curve25519-sha256", "ext-info-s", "kex-strict-s-v00@openssh.com"), (), (), ())
    assert weak_algorithms(facts) == {}


@pytest.mark.parametrize("raw", [b"", b"SSH-2.0-OpenSSH\r\n", b"\x16\x03\x01\x00\x02\x02\x28", b"<html>"])
def test_a_non_http_answer_is_a_protocol_error(raw: bytes) -> None:
    with pytest.raises(ProtocolError):
        parse_response(raw)


def test_response_headers_are_lowercased_and_repeated_cookies_kept() -> None:
    raw = b'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="BMS"\r\n'
    raw += b"Set-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n"
    response = parse_response(raw)
    assert auth_scheme(response) == ("basic", "BMS") and response.all("set-cookie") == ["a=1", "b=2"]


@pytest.mark.parametrize(
    ("header", "secure", "http_only", "same_site"),
    [
        ("sid=x; Path=/; Secure; HttpOnly; SameSite=Strict", True, True, "Strict"),
        ("sid=x; path=/; samesite=lax", False, False, "lax"),
        ("sid=x", False, False, None),
    ],
)
def test_cookie_flags(header: str, secure: bool, http_only: bool, same_site: str | None) -> None:
    cookie = parse_cookie(header)
    assert (cookie.name, cookie.secure, cookie.http_only, cookie.same_site) == ("sid", secure, http_only, same_site)


def test_mqtt_connect_carries_user_and_password_flags() -> None:
    packet_bytes = mqtt_connect("c", "guest", "guest")
    assert packet_bytes[0] == 0x10 and packet_bytes[2 + 7] == 0xC2
