"""Named TCP port lists for `muniscan scan --ports`: the policy's list, that plus nmap's top 1000, or every port.

The top-1000 list is read from nmap's own frequency table (`nmap-services`, installed with nmap) rather
than copied here, so it is exactly the list `nmap --top-ports 1000` probes.
"""

from pathlib import Path

NMAP_SERVICES = (Path("/usr/share/nmap/nmap-services"), Path("/usr/local/share/nmap/nmap-services"))
PORT_SETS = ("policy", "top-1000", "all")


class PortSetError(ValueError):
    """A named port list that cannot be built here (unknown name, nmap's table missing)."""


def top_tcp_ports(count: int, services: Path | None = None) -> list[int]:
    """The `count` TCP ports nmap finds open most often, from nmap-services' open-frequency column."""
    path = services or next((p for p in NMAP_SERVICES if p.is_file()), None)
    if path is None:
        raise PortSetError("--ports top-1000 reads nmap's nmap-services table: install nmap (apt-get install nmap)")
    ranked: list[tuple[float, int]] = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        fields = line.split("\t")
        if line.startswith("#") or len(fields) < 3 or not fields[1].endswith("/tcp"):
            continue
        try:
            ranked.append((float(fields[2]), int(fields[1].removesuffix("/tcp"))))
        except ValueError:
            continue
    ranked.sort(key=lambda item: (-item[0], item[1]))
    return sorted(port for _, port in ranked[:count])


def tcp_port_set(name: str, policy_ports: list[str]) -> list[str]:
    """The TCP port specs a scan probes for a named set; never-touch ports are still removed by the scope."""
    if name == "policy":
        return list(policy_ports)
    if name == "top-1000":  # nmap's top 1000 in addition to the policy's IoT list, not instead of it
        return list(policy_ports) + [str(p) for p in top_tcp_ports(1000)]
    if name == "all":
        return ["1-65535"]
    raise PortSetError(f"--ports must be one of {', '.join(PORT_SETS)}, not '{name}'")
