"""What the banner probe records (see `muniscan.scanner` for how)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class BannerFacts:
    text: str
    size: int
    head_hex: str  # the first bytes, for telling protocols apart (telnet IAC, SSH-, 220...)

    @property
    def head(self) -> bytes:
        return bytes.fromhex(self.head_hex)
