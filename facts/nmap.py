"""What the nmap probe records (see `muniscan.scanner` for how)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class NmapServiceFacts:
    """What nmap said about one port (from -sV, or only the port-table name without it)."""

    name: str = ""
    product: str = ""
    version: str = ""
    extrainfo: str = ""
    ostype: str = ""
    devicetype: str = ""
    tunnel: str = ""
    method: str = ""
    confidence: int = 0
    cpe: tuple[str, ...] = ()
    banner: str = ""  # from nmap's banner script, when the scan ran it
