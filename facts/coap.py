"""What the coap probe records (see `muniscan.scanner` for how)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class CoapResource:
    path: str  # masked where a segment looks like an identifier
    code: str
    readable: bool
    content_format: int | None
    size: int


@dataclass(frozen=True)
class CoapFacts:
    listing_code: str
    listed: int
    resources: tuple[CoapResource, ...]

    @property
    def readable(self) -> tuple[CoapResource, ...]:
        return tuple(r for r in self.resources if r.readable)
