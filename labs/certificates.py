"""Certificates for lab devices, made with `cryptography` and kept in the lab's state folder.

A lab has one CA (`lab_ca`); device certificates are issued by it or self-signed, and can be
planted with weaknesses: expired, a 1024-bit key, a SHA-1 signature, or a key shared with other
devices of the same `key_group` (as when a vendor burns one key into a whole product line).
"""

import ipaddress
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.x509.oid import NameOID

LAB_CA_NAME = "muniscan lab CA"
# sha256WithRSAEncryption and sha1WithRSAEncryption: same length, so a DER swap keeps the structure.
_SHA256_RSA = bytes.fromhex("2a864886f70d01010b")
_SHA1_RSA = bytes.fromhex("2a864886f70d010105")


@dataclass(frozen=True)
class CertificateOptions:
    """How a device's certificate should look (the https device's config maps onto this)."""

    issuer: str = "ca"  # "ca" or "self-signed"
    key_type: str = "rsa"  # "rsa" or "ec"
    key_bits: int = 2048
    signature: str = "sha256"  # "sha256" or "sha1" (RSA keys only)
    expired: bool = False
    key_group: str | None = None
    valid_days: int = 365


def _write_key(path: Path, key: CertificateIssuerPrivateKeyTypes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    path.chmod(0o600)


def _publish_once(path: Path, key: CertificateIssuerPrivateKeyTypes) -> None:
    """Write a shared key unless another device process got there first (namespace labs start in parallel)."""
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    _write_key(draft, key)
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()


def _load_or_make_key(path: Path, key_type: str, key_bits: int) -> CertificateIssuerPrivateKeyTypes:
    if path.exists():
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
        assert isinstance(loaded, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey)
        return loaded
    key: CertificateIssuerPrivateKeyTypes = (
        ec.generate_private_key(ec.SECP256R1())
        if key_type == "ec"
        else rsa.generate_private_key(public_exponent=65537, key_size=key_bits)
    )
    _publish_once(path, key)
    return _load_or_make_key(path, key_type, key_bits)


def _sign(builder: x509.CertificateBuilder, key: CertificateIssuerPrivateKeyTypes, signature: str) -> bytes:
    """DER of the signed certificate; SHA-1, which `cryptography` no longer signs, is re-signed by hand."""
    cert = builder.sign(key, hashes.SHA256())
    der = cert.public_bytes(serialization.Encoding.DER)
    if signature != "sha1" or not isinstance(key, rsa.RSAPrivateKey):
        return der
    tbs = cert.tbs_certificate_bytes.replace(_SHA256_RSA, _SHA1_RSA)
    new_signature = key.sign(tbs, padding.PKCS1v15(), hashes.SHA1())
    return (
        der.replace(cert.tbs_certificate_bytes, tbs)
        .replace(_SHA256_RSA, _SHA1_RSA)
        .replace(cert.signature, new_signature)
    )


def lab_ca(folder: Path) -> tuple[x509.Certificate, CertificateIssuerPrivateKeyTypes]:
    """The lab's own CA, made once per lab state folder."""
    cert_path, key_path = folder / "lab-ca.crt", folder / "lab-ca.key"
    key = _load_or_make_key(key_path, "rsa", 2048)
    if cert_path.exists():
        return x509.load_pem_x509_certificate(cert_path.read_bytes()), key
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, LAB_CA_NAME)])
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=30))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
    )
    draft = cert_path.with_name(f".{cert_path.name}.{os.getpid()}")
    draft.write_bytes(
        x509.load_der_x509_certificate(_sign(builder, key, "sha256")).public_bytes(serialization.Encoding.PEM)
    )
    try:
        os.link(draft, cert_path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return x509.load_pem_x509_certificate(cert_path.read_bytes()), key


def device_certificate(folder: Path, name: str, address: str, options: CertificateOptions) -> tuple[Path, Path]:
    """A certificate chain file (device, then CA when CA-issued) and key file for one device."""
    cert_path, key_path = folder / f"{name}.crt", folder / f"{name}.key"
    if cert_path.exists() and key_path.exists():
        return cert_path, key_path
    # A group's key is one per key type and size, so which member starts first cannot change the others' keys.
    group_key = f"{options.key_group}-{options.key_type}-{options.key_bits}.key"
    shared = folder / "groups" / group_key if options.key_group else key_path
    key = _load_or_make_key(shared, options.key_type, options.key_bits)
    if shared != key_path:
        _write_key(key_path, key)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    issuer_name, signing_key, chain = subject, key, b""
    if options.issuer == "ca":
        ca_cert, signing_key = lab_ca(folder)
        issuer_name, chain = ca_cert.subject, ca_cert.public_bytes(serialization.Encoding.PEM)
    now = datetime.now(UTC)
    start, end = (
        (now - timedelta(days=400), now - timedelta(days=1))
        if options.expired
        else (now - timedelta(days=1), now + timedelta(days=options.valid_days))
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(address))]), critical=False)
    )
    der = _sign(builder, signing_key, options.signature)
    pem = x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM)
    cert_path.write_bytes(pem + chain)
    return cert_path, key_path


def self_signed(
    folder: Path, name: str, address: str, *, key_bits: int = 2048, valid_days: int = 365, expired: bool = False
) -> tuple[Path, Path]:
    """A self-signed certificate and key for one device; `expired` makes one that ended yesterday."""
    options = CertificateOptions(issuer="self-signed", key_bits=key_bits, valid_days=valid_days, expired=expired)
    return device_certificate(folder, name, address, options)
