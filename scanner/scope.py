"""The scope of a scan: which addresses and ports may ever be sent a packet."""

import ipaddress
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from muniscan.policies.schema import Scope as ScopePolicy

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class OutOfScope(PermissionError):
    """Raised before any packet is sent to a target the policy does not include."""


def normal_address(address: str | IPAddress) -> IPAddress:
    """An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) as the IPv4 address it reaches, so that every scope,
    exclude and never-touch check sees one family."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def normal_network(network: IPNetwork) -> IPNetwork:
    """A network inside ::ffff:0:0/96 as the IPv4 network it maps; others unchanged."""
    if isinstance(network, ipaddress.IPv6Network) and network.prefixlen >= 96:
        mapped = network.network_address.ipv4_mapped
        if mapped is not None:
            return ipaddress.IPv4Network((mapped, network.prefixlen - 96))
    return network


def parse_networks(text: str) -> list[IPNetwork]:
    """An address, a CIDR or a first-last range, as networks (IPv4-mapped IPv6 ones as IPv4)."""
    if "-" in text:
        first, last = (normal_address(part.strip()) for part in text.split("-", 1))
        return list(ipaddress.summarize_address_range(first, last))  # type: ignore[type-var]
    return [normal_network(ipaddress.ip_network(text, strict=False))]


HOST_PORT = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[0-9.]+):(\d{1,5})$")


def target_problem(spec: str) -> str | None:
    """Why a target is not an address, CIDR or first-last range (None when it is one); a name (`localhost`) is
    refused, never resolved, and address:port is told how ports are chosen."""
    try:
        parse_networks(spec)
    except (ValueError, TypeError):
        if match := HOST_PORT.match(spec.strip()):
            host, port = match.group(1).strip("[]"), match.group(2)
            return (
                f"target '{spec}' is an address with a port; a target is an address, CIDR or range: to probe "
                f"only port {port}, list it in the policy's discovery.tcp_ports and scan {host}"
            )
        return (
            f"target '{spec}' is not an address, CIDR or first-last range of one family; names are never "
            "resolved (for this machine give 127.0.0.1)"
        )
    return None


def parse_ports(specs: Iterable[str | int]) -> frozenset[int]:
    ports: set[int] = set()
    for spec in specs:
        first, _, last = str(spec).partition("-")
        ports.update(range(int(first), int(last or first) + 1))
    return frozenset(ports)


@dataclass(frozen=True)
class Scope:
    include: tuple[IPNetwork, ...]
    exclude: tuple[IPNetwork, ...]
    never_touch_ports: frozenset[int]
    include_specs: tuple[str, ...] = ()

    @classmethod
    def from_policy(cls, scope: ScopePolicy) -> "Scope":
        return cls(
            include=tuple(n for text in scope.include for n in parse_networks(text)),
            exclude=tuple(n for text in scope.exclude for n in parse_networks(text)),
            never_touch_ports=parse_ports(scope.never_touch_ports),
            include_specs=tuple(scope.include),
        )

    @property
    def empty(self) -> bool:
        return not self.include

    def contains(self, address: str | IPAddress) -> bool:
        try:
            ip = normal_address(address)
        except ValueError:
            return False  # names are never in scope: resolving them would leak a lookup
        if any(ip in net for net in self.exclude):
            return False
        return any(ip in net for net in self.include)

    def refusal(self, address: str | IPAddress, port: int | None = None) -> str | None:
        """Why a packet to this target must not be sent, or None when it may."""
        if self.empty:
            return "the policy's scope is empty: add networks to scope.include"
        if not self.contains(address):
            return f"{address} is outside the policy's scope"
        if port is not None and port in self.never_touch_ports:
            return f"port {port} is on the policy's never-touch list"
        return None

    def require(self, address: str | IPAddress, port: int | None = None) -> None:
        reason = self.refusal(address, port)
        if reason is not None:
            raise OutOfScope(reason)

    def allowed_ports(self, ports: Iterable[int]) -> list[int]:
        return sorted(set(ports) - self.never_touch_ports)

    def expand(self, targets: Iterable[str], limit: int) -> list[str]:
        """Addresses of the given targets (or of the whole scope), refusing any target outside it."""
        if self.empty:
            raise OutOfScope("the policy's scope is empty: add networks to scope.include")
        specs = list(targets) or list(self.include_specs)
        for spec in specs:
            check_target(spec)
        outside = [t for t in specs if not self.covers(t)]
        if outside:
            raise OutOfScope(f"outside the policy's scope: {', '.join(outside)}")
        planned = sum(self._count(spec) for spec in specs)
        if planned > limit:  # counted from the networks, before one address is listed
            raise OutOfScope(
                f"more than {limit} addresses (about {planned} in scope): narrow the targets or raise "
                "discovery.max_addresses"
            )
        seen: dict[str, None] = {}
        for spec in specs:
            for address in self._in_scope(spec):
                seen[str(address)] = None
                if len(seen) > limit:
                    raise OutOfScope(
                        f"more than {limit} addresses: narrow the targets or raise discovery.max_addresses"
                    )
        return list(seen)

    def _pieces(self, spec: str) -> list[IPNetwork]:
        """The target's networks with the excluded ones cut out, so that planning never walks excluded space."""
        pieces = parse_networks(spec)
        for excluded in self.exclude:
            kept: list[IPNetwork] = []
            for piece in pieces:
                if piece.version != excluded.version or not piece.overlaps(excluded):
                    kept.append(piece)
                elif not piece.subnet_of(excluded):  # type: ignore[arg-type]
                    kept.extend(piece.address_exclude(excluded))  # type: ignore[arg-type]
            pieces = kept
        return pieces

    @staticmethod
    def _edges(spec: str) -> set[IPAddress]:
        """A CIDR's network and broadcast addresses, which target_addresses leaves out (above /31)."""
        if "-" in spec:
            return set()
        network = normal_network(ipaddress.ip_network(spec, strict=False))
        return set() if network.num_addresses <= 2 else {network.network_address, network.broadcast_address}

    def _count(self, spec: str) -> int:
        edges = self._edges(spec)
        pieces = self._pieces(spec)
        return sum(p.num_addresses for p in pieces) - sum(1 for e in edges if any(e in p for p in pieces))

    def _in_scope(self, spec: str) -> Iterator[IPAddress]:
        """The addresses target_addresses would give for `spec` that are in scope, walking only what is."""
        edges = self._edges(spec)
        for piece in self._pieces(spec):
            for address in piece:
                if address not in edges and self.contains(address):
                    yield address

    def covers(self, spec: str) -> bool:
        """Whether every address of a target (address, CIDR or range) lies inside one included network."""
        return all(
            any(n.version == inc.version and n.subnet_of(inc) for inc in self.include)  # type: ignore[arg-type]
            for n in parse_networks(spec)
        )


def check_target(spec: str) -> None:
    """Refuse (OutOfScope) a target that is not an address, CIDR or first-last range."""
    if (problem := target_problem(spec)) is not None:
        raise OutOfScope(problem)


def target_addresses(spec: str) -> Iterator[IPAddress]:
    """A range yields every address in it; a CIDR its usable hosts (all of them for /31 and /32)."""
    if "-" in spec:
        first, last = (normal_address(p.strip()) for p in spec.split("-", 1))
        for value in range(int(first), int(last) + 1):
            yield ipaddress.ip_address(value) if first.version == 4 else ipaddress.IPv6Address(value)
        return
    network = normal_network(ipaddress.ip_network(spec, strict=False))
    if network.num_addresses <= 2:
        yield from network
    else:
        yield from network.hosts()
