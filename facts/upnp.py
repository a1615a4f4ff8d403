"""What the upnp probe records (see `muniscan.scanner` for how)."""

from dataclasses import dataclass

IGD_SERVICES = ("WANIPConnection", "WANPPPConnection")


@dataclass(frozen=True)
class UpnpFacts:
    server: str
    st: str
    location_port: int | None
    described: bool
    manufacturer: str = ""
    model_name: str = ""
    model_number: str = ""
    serial: str = ""
    friendly_name: str = ""
    device_type: str = ""
    services: tuple[str, ...] = ()

    @property
    def port_mapping(self) -> bool:
        """An Internet Gateway Device connection service: anyone on the LAN may open ports through it."""
        return any(name in service for service in self.services for name in IGD_SERVICES)
