"""Given real Net-SNMP agents, snmp_write proves write access only where a community allows SET, leaves
sysLocation as it was (read back with snmpget), and runs only when the policy allows intrusive probes."""

import asyncio
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from muniscan.checks.catalogue import snmp_write_access
from muniscan.checks.model import Verdict
from muniscan.checks.views import ServiceView
from muniscan.facts.attempt import Attempt, AttemptStatus
from muniscan.policies.schema import Intrusiveness, Policy, Probes, Rate, Scope
from muniscan.scanner.probes import permitted_probes, snmp_write
from muniscan.scanner.probes.base import ServiceTarget
from tests.lab_device import probe_through_gate, running

pytestmark = pytest.mark.skipif(
    shutil.which("snmpget") is None or not Path("/usr/sbin/snmpd").exists(), reason="snmpd and snmp are not installed"
)
ADDRESS = f"127.102.2.{random.randint(10, 250)}"
PORT = 16161
LOCATION = "Pump house 4, Norra vagen"
SYS_LOCATION = "1.3.6.1.2.1.1.6.0"


def intrusive_policy() -> Policy:
    return Policy(
        name="snmp-write-test",
        scope=Scope(include=[ADDRESS], never_touch_ports=["515", "2024", "9100-9107", "9999"]),
        rate=Rate(connect_timeout=1.0, read_timeout=1.0, retries=0),
        probes=Probes(allow=[Intrusiveness.SAFE, Intrusiveness.INTRUSIVE], snmp_communities=["public", "private"]),
    )


def snmpget(community: str) -> str:
    done = subprocess.run(
        ["snmpget", "-v2c", "-c", community, "-t", "1", "-r", "0", "-Oqv", f"{ADDRESS}:{PORT}", SYS_LOCATION],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    return done.stdout.strip().strip('"')


def write_probe(tmp_path: Path, config: dict) -> tuple[Attempt, str]:
    async def scenario() -> tuple[Attempt, str]:
        async with running(tmp_path, "snmpd", ADDRESS, PORT, {"sys_location": LOCATION, **config}):
            target = ServiceTarget(ADDRESS, PORT, transport="udp", name="snmp")
            result = await probe_through_gate(snmp_write.PROBE, target, intrusive_policy())
            return result, await asyncio.to_thread(snmpget, "public")

    return asyncio.run(scenario())


def judged(result: Attempt) -> Verdict:
    service = ServiceView(ADDRESS, "udp", PORT, "snmp", False, "", {"snmp_write": result})
    return snmp_write_access.evaluate(service, intrusive_policy()).verdict


def test_a_read_write_community_is_proved_and_the_value_left_as_it_was(tmp_path: Path) -> None:
    result, after = write_probe(tmp_path, {"ro_communities": ["public"], "rw_communities": ["private"]})
    assert result.status is AttemptStatus.COMPLETED, result.reason
    refused, proof = result.facts.writes
    assert (refused.via, refused.accepted, refused.restored) == ("v2c:public", False, None)
    assert (proof.via, proof.accepted, proof.old, proof.new, proof.after) == (
        "v2c:private",
        True,
        LOCATION,
        LOCATION,
        LOCATION,
    )
    assert proof.restored is True and after == LOCATION  # snmpget, not muniscan, reads it back
    assert judged(result) is Verdict.FAIL


def test_a_read_only_agent_accepts_no_write(tmp_path: Path) -> None:
    result, after = write_probe(tmp_path, {"ro_communities": ["public"]})
    assert result.status is AttemptStatus.COMPLETED, result.reason
    assert result.facts.accepted == () and [w.via for w in result.facts.writes] == ["v2c:public", "v2c:private"]
    assert after == LOCATION and judged(result) is Verdict.PASS


def test_a_v3_only_agent_is_not_tested_rather_than_passed(tmp_path: Path) -> None:
    result, _ = write_probe(tmp_path, {"v3_users": {"nms": "Nms-Test-Pass-1"}})
    assert result.status is AttemptStatus.ERROR and judged(result) is Verdict.UNKNOWN


def test_only_an_intrusive_policy_runs_it() -> None:
    assert "snmp_write" not in {p.name for p in permitted_probes(Policy(name="default"))}
    assert "snmp_write" in {p.name for p in permitted_probes(intrusive_policy())}
