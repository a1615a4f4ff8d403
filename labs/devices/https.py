"""The web admin interface of `http` served over TLS, with chosen TLS versions, ciphers and certificate.

Config keys (besides every key of the `http` kind):
- `tls_versions`: the versions offered, e.g. ["1.0", "1.2"] (default ["1.2", "1.3"])
- `ciphers`: OpenSSL cipher string for TLS 1.2 and below (default: ECDHE with AES-GCM or ChaCha20,
  plus ECDHE AES-CBC when a version below 1.2 is offered, since those versions have no AEAD suite)
- `certificate`: "ca" (issued by the lab CA, default) or "self-signed"
- `expired_certificate`: true for a certificate that ended yesterday
- `key_type`: "rsa" (default) or "ec"; `key_bits`: RSA key size (default 2048, 1024 plants a weak key)
- `signature`: "sha256" (default) or "sha1"
- `key_group`: devices naming the same group share one private key (a vendor-wide key)
"""

import ssl
import warnings

from muniscan.labs.certificates import CertificateOptions, device_certificate
from muniscan.labs.devices.base import DeviceContext, Running
from muniscan.labs.devices.http import serve_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    TLS_VERSIONS = {
        "1.0": ssl.TLSVersion.TLSv1,
        "1.1": ssl.TLSVersion.TLSv1_1,
        "1.2": ssl.TLSVersion.TLSv1_2,
        "1.3": ssl.TLSVersion.TLSv1_3,
    }
MODERN_CIPHERS = "ECDHE+AESGCM:ECDHE+CHACHA20"
LEGACY_CIPHERS = "ECDHE+AES"


def certificate_options(ctx: DeviceContext) -> CertificateOptions:
    return CertificateOptions(
        issuer=ctx.setting("certificate", "ca"),
        key_type=ctx.setting("key_type", "rsa"),
        key_bits=int(ctx.setting("key_bits", 2048)),
        signature=ctx.setting("signature", "sha256"),
        expired=bool(ctx.setting("expired_certificate", False)),
        key_group=ctx.setting("key_group"),
    )


def server_context(ctx: DeviceContext) -> ssl.SSLContext:
    labels: list[str] = ctx.setting("tls_versions", ["1.2", "1.3"])
    versions = [TLS_VERSIONS[v] for v in labels]
    default = MODERN_CIPHERS + (f":{LEGACY_CIPHERS}" if {"1.0", "1.1"} & set(labels) else "")
    cert, key = device_certificate(
        ctx.state_dir / "certs", f"{ctx.device.name}-{ctx.service.port}", ctx.device.address, certificate_options(ctx)
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = min(versions)
        context.maximum_version = max(versions)
    context.set_ciphers(ctx.setting("ciphers", default) + ":@SECLEVEL=0")  # let legacy settings really be offered
    context.load_cert_chain(cert, key)
    return context


async def start(ctx: DeviceContext) -> Running:
    return await serve_app(ctx, server_context(ctx))
