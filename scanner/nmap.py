"""nmap through python-nmap, held to the same rules as every other path.

Targets are checked against scope before nmap is called, and the command line always carries
`-n` (no DNS) and `--exclude-ports` with the never-touch list. The XML nmap writes is parsed by one
function, used both for runs made here and for `muniscan import nmap FILE.xml`.
"""

import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from muniscan.facts.nmap import NmapServiceFacts
from muniscan.policies.schema import Rate
from muniscan.scanner.scope import Scope, normal_address


class NmapError(ValueError):
    """nmap is missing, failed, or wrote something that is not nmap XML."""


@dataclass(frozen=True)
class NmapPort:
    transport: str
    port: int
    state: str
    service: NmapServiceFacts


@dataclass(frozen=True)
class NmapHost:
    address: str
    state: str
    mac: str | None = None
    mac_vendor: str | None = None
    ports: tuple[NmapPort, ...] = field(default_factory=tuple)

    @property
    def open_ports(self) -> list[NmapPort]:
        return [p for p in self.ports if p.state == "open"]


def nmap_path() -> str | None:
    return shutil.which("nmap")


def _port_list(ports: Iterable[int]) -> str:
    return ",".join(str(p) for p in sorted(set(ports)))


def never_touch_argument(scope: Scope) -> str:
    # nmap refuses an empty list; port 0 is never scanned, so it keeps the option present.
    return f"--exclude-ports {_port_list(scope.never_touch_ports) or '0'}"


def common_arguments(scope: Scope, rate: Rate) -> list[str]:
    return [
        "-n",
        never_touch_argument(scope),
        f"--max-rate {rate.packets_per_second:g}",
        f"--max-retries {rate.retries}",
        f"--max-parallelism {rate.global_concurrency}",
    ]


def port_scan_arguments(
    scope: Scope, rate: Rate, tcp_ports: list[int], udp_ports: list[int], version_detection: bool
) -> str:
    """Port discovery (and -sV when asked) on explicit ports; host discovery was done before."""
    ports = [f"T:{_port_list(tcp_ports)}"] if tcp_ports else []
    ports += [f"U:{_port_list(udp_ports)}"] if udp_ports else []
    kinds = ["-sT"] if tcp_ports else []
    kinds += ["-sU"] if udp_ports else []
    args = ["-Pn", *kinds, f"-p {','.join(ports)}", *common_arguments(scope, rate)]
    if version_detection:
        args.append("-sV")
    return " ".join(args)


def checked_targets(scope: Scope, addresses: Iterable[str]) -> list[str]:
    """Single addresses only, each in scope: nmap never sees a range that could stretch past an exclude."""
    targets = list(dict.fromkeys(addresses))
    for address in targets:
        scope.require(address)
    return targets


def run_nmap(scope: Scope, addresses: Iterable[str], arguments: str, timeout: float | None = None) -> list[NmapHost]:
    import nmap  # python-nmap; imported late so that machines without nmap can still import this module

    targets = checked_targets(scope, addresses)
    if not targets:
        return []
    if "-n" not in arguments.split() or "--exclude-ports" not in arguments:
        raise NmapError("refusing to run nmap without -n and --exclude-ports")
    if nmap_path() is None:
        raise NmapError("nmap is not installed (apt-get install nmap), or use discovery.port_scanner: builtin")
    try:
        scanner = nmap.PortScanner()
        scanner.scan(hosts=" ".join(targets), arguments=arguments, timeout=timeout or 0)
    except nmap.PortScannerError as exc:
        raise NmapError(f"nmap failed: {exc}") from None
    except nmap.PortScannerTimeout:
        raise TimeoutError("nmap did not finish in time") from None
    return parse_nmap_xml(scanner.get_nmap_last_output())


def host_discovery(scope: Scope, rate: Rate, addresses: Iterable[str]) -> set[str]:
    """Addresses nmap found up with its own ping probes (-sn), never touching the excluded ports."""
    args = " ".join(["-sn", *common_arguments(scope, rate)])
    return {h.address for h in run_nmap(scope, addresses, args) if h.state == "up"}


def _text(value: str | None, limit: int = 500) -> str:
    return (value or "")[:limit]


def _service(port: ET.Element) -> NmapServiceFacts:
    service = port.find("service")
    attrs = service.attrib if service is not None else {}
    banner = next((s.get("output", "") for s in port.findall("script") if s.get("id") == "banner"), "")
    try:
        confidence = int(attrs.get("conf", "0"))
    except ValueError:
        confidence = 0
    return NmapServiceFacts(
        name=_text(attrs.get("name"), 64),
        product=_text(attrs.get("product")),
        version=_text(attrs.get("version"), 200),
        extrainfo=_text(attrs.get("extrainfo")),
        ostype=_text(attrs.get("ostype"), 100),
        devicetype=_text(attrs.get("devicetype"), 100),
        tunnel=_text(attrs.get("tunnel"), 16),
        method=_text(attrs.get("method"), 16),
        confidence=confidence,
        cpe=tuple(_text(c.text, 200) for c in (service.findall("cpe") if service is not None else [])),
        banner=_text(banner, 1000),
    )


_MAC = re.compile(r"[0-9a-f]{2}(?::[0-9a-f]{2}){5}")
TRANSPORTS = ("tcp", "udp", "sctp")


def _host(element: ET.Element) -> NmapHost | None:
    """A host from its element; the file is untrusted, so an address that is not one is skipped, as is a port
    outside 1-65535 or of an unknown transport, a MAC that is not six octets is dropped, and texts are cut."""
    address = mac = vendor = None
    for item in element.findall("address"):
        kind = item.get("addrtype")
        if kind in ("ipv4", "ipv6") and address is None:
            try:
                address = str(normal_address((item.get("addr") or "")[:64]))
            except ValueError:
                return None
        elif kind == "mac":
            text = (item.get("addr") or "").lower()
            if _MAC.fullmatch(text):
                mac, vendor = text, _text(item.get("vendor"), 100) or None
    if address is None:
        return None
    status = element.find("status")
    ports = []
    for port in element.findall("ports/port"):
        state = port.find("state")
        try:
            number = int(port.get("portid", ""))
        except ValueError:
            continue
        transport = port.get("protocol", "tcp")
        if not 0 < number <= 65535 or transport not in TRANSPORTS:
            continue
        ports.append(
            NmapPort(transport, number, _text(state.get("state", "") if state is not None else "", 32), _service(port))
        )
    return NmapHost(
        address, _text(status.get("state", "") if status is not None else "", 16), mac, vendor, tuple(ports)
    )


def _refuse_entities(head: bytes) -> None:
    if b"<!ENTITY" in head:
        raise NmapError("refusing XML with entity declarations")  # nmap never writes them


def parse_nmap_xml(text: str | bytes) -> list[NmapHost]:
    """The hosts of an nmap XML report; anything else is an NmapError, never a crash."""
    if isinstance(text, str):
        text = text.encode()
    _refuse_entities(text)
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise NmapError(f"not nmap XML: {exc}") from None
    if root.tag != "nmaprun":
        raise NmapError(f"not nmap XML: the root element is <{root.tag}>, not <nmaprun>")
    return [h for h in (_host(e) for e in root.findall("host")) if h is not None]


def iter_nmap_hosts(path: Path) -> Iterator[NmapHost]:
    """The hosts of an nmap XML file one at a time, without holding the file or its tree in memory."""
    with path.open("rb") as handle:
        head = handle.read(1 << 20)
        _refuse_entities(head.split(b"<nmaprun", 1)[0] if b"<nmaprun" in head else head)
        handle.seek(0)
        root: ET.Element | None = None
        try:
            for event, element in ET.iterparse(handle, events=("start", "end")):
                if root is None:
                    root = element
                    if root.tag != "nmaprun":
                        raise NmapError(f"not nmap XML: the root element is <{root.tag}>, not <nmaprun>")
                elif event == "end" and element.tag == "host":
                    host = _host(element)
                    try:
                        root.remove(element)  # done with it: memory stays flat however large the file
                    except ValueError:  # a <host> not directly under <nmaprun>
                        element.clear()
                    if host is not None:
                        yield host
        except ET.ParseError as exc:
            raise NmapError(f"not nmap XML: {exc}") from None


def scanned_ports(path: Path) -> dict[str, str]:
    """The port lists the run was asked to probe, per transport, from its <scaninfo> ("1-1000"); may be empty.

    nmap writes <scaninfo> before the first <host>, so reading stops there.
    """
    found: dict[str, str] = {}
    with path.open("rb") as handle:
        try:
            for _, element in ET.iterparse(handle, events=("start",)):
                if element.tag == "host":
                    break
                if element.tag == "scaninfo":
                    services = element.get("services", "")
                    if all(part.replace("-", "").isdigit() for part in services.split(",") if part):
                        found[element.get("protocol", "tcp")] = services
        except ET.ParseError as exc:
            raise NmapError(f"not nmap XML: {exc}") from None
    return found
