"""nmap is held to scope: checked targets, -n always, and the never-touch ports always excluded."""

import contextlib
import shlex

import pytest

from muniscan.policies.schema import Rate
from muniscan.policies.schema import Scope as ScopePolicy
from muniscan.scanner.nmap import (
    NmapError,
    checked_targets,
    common_arguments,
    parse_nmap_xml,
    port_scan_arguments,
    run_nmap,
)
from muniscan.scanner.scope import OutOfScope, Scope

SCOPE = Scope.from_policy(
    ScopePolicy(include=["127.77.12.0/24"], exclude=["127.77.12.9"], never_touch_ports=["2024", "9100-9102"])
)

REPORT = """<?xml version="1.0"?>
<nmaprun scanner="nmap" args="nmap -sV -n -oX - 127.77.12.1">
  <host><status state="up"/>
    <address addr="127.77.12.1" addrtype="ipv4"/>
    <address addr="B8:27:EB:01:02:03" addrtype="mac" vendor="Raspberry Pi Foundation"/>
    <ports>
      <port protocol="tcp" portid="23"><state state="open"/>
        <service name="telnet" product="Lumenvik telnetd" version="2.1" method="probed" conf="10"/>
        <script id="banner" output="Lumenvik SLC-200 street light controller"/></port>
      <port protocol="tcp" portid="443"><state state="open"/>
        <service name="http" tunnel="ssl" product="lighttpd" version="1.4.59" method="probed" conf="10">
          <cpe>cpe:/a:lighttpd:lighttpd:1.4.59</cpe></service></port>
      <port protocol="tcp" portid="80"><state state="closed"/><service name="http" method="table" conf="3"/></port>
      <port protocol="tcp" portid="bogus"><state state="open"/></port>
    </ports>
  </host>
  <host><status state="down"/><address addr="127.77.12.2" addrtype="ipv4"/></host>
</nmaprun>
"""


def test_every_nmap_command_line_has_no_dns_and_excludes_the_never_touch_ports() -> None:
    args = shlex.split(port_scan_arguments(SCOPE, Rate(), [23, 80, 443], [161], version_detection=True))
    assert "-n" in args and "-sV" in args and "-Pn" in args
    excluded = args[args.index("--exclude-ports") + 1].split(",")
    assert "2024" in excluded and {"9100", "9101", "9102"} <= set(excluded)
    assert "T:23,80,443,U:161" in args
    assert "-n" in shlex.split(" ".join(common_arguments(SCOPE, Rate())))


def test_targets_are_checked_against_scope_before_nmap_runs() -> None:
    assert checked_targets(SCOPE, ["127.77.12.1", "127.77.12.1"]) == ["127.77.12.1"]
    for outside in ("127.0.0.1", "127.77.12.9", "127.77.12.0/24", "gateway.local"):
        with pytest.raises(OutOfScope):
            run_nmap(SCOPE, [outside], "-n --exclude-ports 2024")


def test_nmap_is_not_run_without_its_safety_options() -> None:
    with pytest.raises(NmapError, match="-n and --exclude-ports"):
        run_nmap(SCOPE, ["127.77.12.1"], "-sV")


def test_a_report_parses_into_hosts_ports_versions_and_banners() -> None:
    up, down = parse_nmap_xml(REPORT)
    assert (up.address, up.state, up.mac, up.mac_vendor) == (
        "127.77.12.1",
        "up",
        "b8:27:eb:01:02:03",
        "Raspberry Pi Foundation",
    )
    assert [p.port for p in up.open_ports] == [23, 443]
    telnet, https = up.open_ports
    assert telnet.service.product == "Lumenvik telnetd" and telnet.service.banner.startswith("Lumenvik SLC-200")
    assert https.service.tunnel == "ssl" and https.service.cpe == ("cpe:/a:lighttpd:lighttpd:1.4.59",)
    assert down.state == "down" and down.ports == ()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not xml",
        "<html><body>hi</body></html>",
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><nmaprun>&a;</nmaprun>',
        "<nmaprun><host><status/></host></nmaprun>",
    ],
)
def test_anything_else_is_an_error_or_nothing_never_a_crash(text: str) -> None:
    with contextlib.suppress(NmapError):
        assert parse_nmap_xml(text) == []
