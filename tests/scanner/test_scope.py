"""The scope decides where packets may go: properties over random scopes and targets."""

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from muniscan.policies.schema import Scope as ScopePolicy
from muniscan.scanner.scope import OutOfScope, Scope

LOOPBACK = ipaddress.ip_network("127.0.0.0/8")

addresses = st.integers(min_value=int(LOOPBACK.network_address), max_value=int(LOOPBACK.broadcast_address)).map(
    ipaddress.IPv4Address
)
networks = st.builds(
    lambda a, prefix: ipaddress.ip_network(f"{a}/{prefix}", strict=False), addresses, st.integers(16, 32)
)
ports = st.integers(1, 65535)


def make(include: list[str], exclude: list[str] = (), never: list[str] = ("2024",)) -> Scope:  # type: ignore[assignment]
    return Scope.from_policy(ScopePolicy(include=include, exclude=list(exclude), never_touch_ports=list(never)))


@settings(max_examples=300)
@given(st.lists(networks, max_size=4), st.lists(networks, max_size=3), addresses, ports)
def test_allowed_exactly_when_included_not_excluded_and_port_not_forbidden(include, exclude, address, port) -> None:
    scope = make([str(n) for n in include], [str(n) for n in exclude])
    expected = any(address in n for n in include) and not any(address in n for n in exclude) and port != 2024
    assert (scope.refusal(address, port) is None) == expected


@given(addresses, ports)
def test_empty_scope_refuses_everything(address, port) -> None:
    scope = make([])
    with pytest.raises(OutOfScope, match="scope is empty"):
        scope.require(address, port)


@settings(max_examples=200)
@given(st.lists(networks, min_size=1, max_size=3), addresses)
def test_expand_never_yields_an_address_outside_the_scope(include, target) -> None:
    scope = make([str(n) for n in include])
    try:
        expanded = scope.expand([str(target)], limit=1 << 16)
    except OutOfScope:
        assert not scope.contains(target)
        return
    assert expanded == [str(target)]
    assert scope.contains(target)


def test_names_are_never_in_scope() -> None:
    scope = make(["127.0.0.0/8"])
    assert not scope.contains("localhost")


def test_ranges_and_exclusions() -> None:
    scope = make(["127.77.0.10-127.77.0.20"], exclude=["127.77.0.15"])
    assert scope.expand([], limit=100) == [f"127.77.0.{i}" for i in range(10, 21) if i != 15]
    with pytest.raises(OutOfScope, match="outside"):
        scope.expand(["127.77.0.0/24"], limit=1000)


def test_expansion_is_capped() -> None:
    with pytest.raises(OutOfScope, match="more than 10 addresses"):
        make(["127.0.0.0/24"]).expand([], limit=10)


def _mapped(address: ipaddress.IPv4Address) -> str:
    return f"::ffff:{address}"


def _either_family(address: ipaddress.IPv4Address, mapped: bool) -> str:
    return _mapped(address) if mapped else str(address)


def _network_in_either_family(network: ipaddress.IPv4Network, mapped: bool) -> str:
    return f"::ffff:{network.network_address}/{96 + network.prefixlen}" if mapped else str(network)


@settings(max_examples=300)
@given(
    st.lists(st.tuples(networks, st.booleans()), min_size=1, max_size=3),
    st.lists(st.tuples(networks, st.booleans()), max_size=3),
    addresses,
    st.booleans(),
)
def test_ipv4_mapped_ipv6_is_judged_as_the_ipv4_address_it_reaches(include, exclude, address, mapped) -> None:
    """Scope, exclude and target may each be written as IPv4 or IPv4-mapped IPv6: the verdict is the same."""
    scope = make(
        [_network_in_either_family(n, m) for n, m in include], [_network_in_either_family(n, m) for n, m in exclude]
    )
    expected = any(address in n for n, _ in include) and not any(address in n for n, _ in exclude)
    assert (scope.refusal(_either_family(address, mapped), 80) is None) == expected
    if expected:
        assert scope.expand([_either_family(address, mapped)], 10) == [str(address)]


def test_a_mapped_target_does_not_slip_past_an_ipv4_exclude() -> None:
    scope = make(["127.107.0.0/24", "::ffff:0:0/96"], ["127.107.0.9"])
    assert scope.refusal("::ffff:127.107.0.9", 80) == "::ffff:127.107.0.9 is outside the policy's scope"
    assert scope.expand(["::ffff:127.107.0.9", "127.107.0.8"], 10) == ["127.107.0.8"]


def _naive_expand(scope: Scope, specs: list[str]) -> list[str]:
    from muniscan.scanner.scope import target_addresses

    return list(dict.fromkeys(str(a) for spec in specs for a in target_addresses(spec) if scope.contains(a)))


small_networks = st.builds(
    lambda a, prefix: ipaddress.ip_network(f"{a}/{prefix}", strict=False), addresses, st.integers(22, 32)
)


@settings(max_examples=200, deadline=None)
@given(st.lists(small_networks, min_size=1, max_size=3), st.lists(networks, max_size=3))
def test_planning_lists_the_same_addresses_as_walking_every_target(include, exclude) -> None:
    scope = make([str(n) for n in include], [str(n) for n in exclude])
    specs = [str(n) for n in include]
    assert sorted(scope.expand(specs, 1 << 20)) == sorted(_naive_expand(scope, specs))


def test_planning_the_whole_ipv4_space_minus_large_excludes_is_immediate() -> None:
    import time

    scope = make(
        ["0.0.0.0/0"],
        [
            "0.0.0.0/1",
            "128.0.0.0/2",
            "192.0.0.0/3",
            "224.0.0.0/4",
            "240.0.0.0/5",
            "248.0.0.0/6",
            "252.0.0.0/7",
            "254.0.0.0/8",
            "255.0.0.0/9",
            "255.128.0.0/10",
        ],
    )
    started = time.monotonic()
    with pytest.raises(OutOfScope, match=r"more than 65536 addresses \(about 4194303 in scope\)"):
        scope.expand([], 65536)
    assert scope.expand(["255.255.255.0/30"], 65536) == ["255.255.255.1", "255.255.255.2"]
    assert time.monotonic() - started < 1.0  # walking the include range took hours


def test_max_addresses_has_an_upper_bound() -> None:
    from pydantic import ValidationError

    from muniscan.policies.schema import MAX_ADDRESSES_LIMIT, Discovery

    with pytest.raises(ValidationError, match="less than or equal to"):
        Discovery(max_addresses=MAX_ADDRESSES_LIMIT + 1)
