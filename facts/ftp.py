"""What the ftp probe records (see `muniscan.scanner` for how)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class FtpFacts:
    banner: str
    anonymous_accepted: bool
    anonymous_reply: str
    auth_tls_offered: bool
    features: tuple[str, ...] = ()
