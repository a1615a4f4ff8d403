"""What the ssh probe records (see `muniscan.scanner` for how)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class SshFacts:
    banner: str
    software: str
    kex: tuple[str, ...]
    host_key_algorithms: tuple[str, ...]
    ciphers: tuple[str, ...]
    macs: tuple[str, ...]
    compression: tuple[str, ...] = ()
    host_key_type: str | None = None
    host_key_bits: int | None = None
    host_key_sha256: str | None = None  # OpenSSH style "SHA256:..." for fleet key-reuse comparison
    host_key_error: str | None = None
