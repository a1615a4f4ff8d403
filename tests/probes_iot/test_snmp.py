"""Given a lab SNMP agent, the snmp probe finds what a real SNMP client finds, and no more."""

import asyncio
from pathlib import Path

import pytest
from pysnmp.hlapi.v3arch.asyncio import (
    CommunityData,
    ContextData,
    ObjectIdentity,
    ObjectType,
    SnmpEngine,
    UdpTransportTarget,
    get_cmd,
)

from muniscan.facts.attempt import AttemptStatus
from muniscan.scanner.probes.base import ServiceTarget
from muniscan.scanner.probes.snmp import PROBE
from tests.lab_device import running

from .conftest import lab_address, lab_policy, run_probe

ADDRESS = lab_address(0)
V3_USERS = {"ops": {"auth_key": "Ops-auth-2024!", "priv_key": "Ops-priv-2024!"}}
TARGET = ServiceTarget(ADDRESS, 161, transport="udp", name="snmp")

CASES = [
    # config, answered versions, accepted
    ({"versions": ["v1", "v2c"], "communities": {"public": "ro"}}, ("v1", "v2c"), ("v1:public", "v2c:public")),
    (
        {"versions": ["v2c", "v3"], "communities": {"private": "rw"}, "v3_users": V3_USERS},
        ("v2c", "v3"),
        ("v2c:private",),
    ),
    ({"versions": ["v3"], "v3_users": V3_USERS}, ("v3",), ()),
    ({"versions": ["v2c", "v3"], "communities": {"Kv4rn-snmp-77": "ro"}, "v3_users": V3_USERS}, ("v3",), ()),
]


@pytest.mark.parametrize(("config", "versions", "accepted"), CASES)
def test_probe_reports_versions_and_working_communities(tmp_path: Path, config, versions, accepted) -> None:
    async def scenario():
        async with running(tmp_path, "snmp", ADDRESS, 161, config, vendor="Aquasense", model="WL-3"):
            return await run_probe(PROBE, TARGET)

    result = asyncio.run(scenario())
    assert result.status is AttemptStatus.COMPLETED, result.reason
    assert result.facts.answered_versions == versions
    assert result.facts.accepted == accepted
    assert result.facts.sys_descr.startswith("Aquasense WL-3") == bool(accepted)


def test_silent_port_is_an_error_so_the_udp_port_counts_as_closed(tmp_path: Path) -> None:
    result = asyncio.run(run_probe(PROBE, ServiceTarget(lab_address(4), 161, transport="udp")))
    assert result.status is AttemptStatus.ERROR


def test_probe_tries_only_the_policy_communities_and_stops_at_the_first_success(tmp_path: Path) -> None:
    async def scenario():
        config = {"versions": ["v2c"], "communities": {"public": "ro"}}
        async with running(tmp_path, "snmp", ADDRESS, 161, config) as lab:
            result = await run_probe(PROBE, TARGET, lab_policy(ADDRESS, snmp_communities=["public", "private"]))
            return result, lab.log()

    result, log = asyncio.run(scenario())
    assert result.facts.accepted == ("v2c:public",)
    assert [r["version"] for r in log if r["event"] == "get"] == ["v2c"]


def test_bad_configuration_public_community_gives_sysdescr_to_a_real_client(tmp_path: Path) -> None:
    async def scenario():
        config = {"versions": ["v2c"], "communities": {"public": "ro"}, "sys_location": "Pumpstation Norra"}
        async with running(tmp_path, "snmp", ADDRESS, 161, config, vendor="Aquasense", model="WL-3"):
            engine = SnmpEngine()
            transport = await UdpTransportTarget.create((ADDRESS, 161), timeout=1, retries=0)
            oid = ObjectType(ObjectIdentity("1.3.6.1.2.1.1.1.0"))
            error, status, _, binds = await get_cmd(engine, CommunityData("public"), transport, ContextData(), oid)
            engine.close_dispatcher()
            return error, status, binds

    error, status, binds = asyncio.run(scenario())
    assert error is None and not status
    assert "Aquasense WL-3" in str(binds[0][1])
