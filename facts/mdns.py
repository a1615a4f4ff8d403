"""What the mdns probe records (see `muniscan.scanner` for how)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class MdnsService:
    service_type: str  # "_http._tcp"
    instance: str  # masked where it carries an identifier
    host: str
    port: int | None
    txt: tuple[str, ...]  # "key=value", identifier values masked


@dataclass(frozen=True)
class MdnsFacts:
    service_types: tuple[str, ...]
    services: tuple[MdnsService, ...]

    @property
    def host_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.host for s in self.services if s.host))
