"""A generated lab spread over sites: each device lives in its site's own segment, the lab's policy covers
every segment exactly, and the same seed gives the same estate."""

import ipaddress

import pytest

from muniscan.labs.generate import generate, site_name, site_of, site_segment


def test_devices_are_spread_over_site_segments_and_the_policy_covers_exactly_them() -> None:
    lab = generate(1000, 3, sites=5)
    assert lab == generate(1000, 3, sites=5) and lab["name"] == "city-1000-3-5"
    by_site: dict[str | None, list[str]] = {}
    for device in lab["devices"]:
        by_site.setdefault(site_of(device["address"]), []).append(device["address"])
    assert sorted(by_site) == [site_name(s) for s in range(5)] and all(len(a) == 200 for a in by_site.values())
    for s in range(5):
        segment = ipaddress.ip_network(site_segment(s))
        assert all(ipaddress.ip_address(a) in segment for a in by_site[site_name(s)])
    ranges = lab["policy"]["scope"]["include"]
    covered = set()
    for spec in ranges:
        first, last = (ipaddress.ip_address(x) for x in spec.split("-"))
        covered |= {str(ipaddress.ip_address(n)) for n in range(int(first), int(last) + 1)}
    assert covered == {d["address"] for d in lab["devices"]}
    assert "2024" in lab["policy"]["scope"]["never_touch_ports"]


def test_one_site_keeps_the_generated_block_and_too_many_sites_are_refused() -> None:
    assert generate(10, 1)["devices"][0]["address"].startswith("127.78.")
    with pytest.raises(ValueError, match="1 to 10 sites"):
        generate(10, 1, sites=11)
