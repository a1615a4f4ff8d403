"""Given lab SSH and FTP servers, the ssh and ftp probes report greetings, algorithms, keys and anonymous access."""

import asyncio
import warnings
from pathlib import Path

import pytest

from muniscan.checks.ssh_grading import weak_algorithms
from muniscan.facts.attempt import AttemptStatus
from muniscan.scanner.probes import ftp, ssh
from muniscan.scanner.probes.base import ServiceTarget
from tests.lab_device import running

from .conftest import lab_address, run_probe

ADDRESS = lab_address()
LEGACY_SSH = {
    "server_version": "OpenSSH_5.3",
    "host_key": "rsa",
    "host_key_bits": 1024,
    "kex": ["diffie-hellman-group1-sha1"],
    "ciphers": ["3des-cbc", "aes128-cbc"],
    "macs": ["hmac-md5", "hmac-sha1"],
    "host_key_algorithms": ["ssh-rsa"],
}


def probe_ssh(tmp_path: Path, config: dict, name: str = "gw") -> ssh.SshFacts:
    async def scenario():
        async with running(tmp_path, "ssh", ADDRESS, 2222, config, name=name):
            return await run_probe(ssh.PROBE, ServiceTarget(ADDRESS, 2222, name="ssh"))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the legacy server's finite-field DH is deprecated in cryptography
        result = asyncio.run(scenario())
    assert result.status is AttemptStatus.COMPLETED, result.reason
    return result.facts


def test_modern_ssh_server_has_no_weak_algorithms(tmp_path: Path) -> None:
    facts = probe_ssh(tmp_path, {})
    assert facts.banner == "SSH-2.0-TestvendorSSH" and facts.software == "TestvendorSSH"
    assert weak_algorithms(facts) == {}
    assert facts.host_key_type == "ssh-ed25519" and facts.host_key_sha256.startswith("SHA256:")


def test_legacy_ssh_server_shows_every_planted_weakness(tmp_path: Path) -> None:
    facts = probe_ssh(tmp_path, LEGACY_SSH)
    weak = weak_algorithms(facts)
    assert set(weak) == {"kex", "host_key", "cipher", "mac"}
    assert (facts.host_key_type, facts.host_key_bits, facts.software) == ("ssh-rsa", 1024, "OpenSSH_5.3")


def test_host_keys_are_shared_within_a_key_group(tmp_path: Path) -> None:
    first = probe_ssh(tmp_path, {"key_group": "fleet"}, name="a")
    second = probe_ssh(tmp_path, {"key_group": "fleet"}, name="b")
    alone = probe_ssh(tmp_path, {}, name="c")
    assert first.host_key_sha256 == second.host_key_sha256 != alone.host_key_sha256


def probe_ftp(tmp_path: Path, config: dict):
    async def scenario():
        async with running(tmp_path, "ftp", ADDRESS, 2121, config) as lab:
            return await run_probe(ftp.PROBE, ServiceTarget(ADDRESS, 2121, name="ftp")), lab.log()

    return asyncio.run(scenario())


@pytest.mark.parametrize(
    ("config", "accepted"),
    [({"anonymous": True}, True), ({"accounts": {"service": "Fl0dia!"}}, False), ({}, False)],
)
def test_ftp_anonymous_login_takes_exactly_one_attempt(tmp_path: Path, config: dict, accepted: bool) -> None:
    result, log = probe_ftp(tmp_path, config)
    assert result.status is AttemptStatus.COMPLETED, result.reason
    assert result.facts.anonymous_accepted is accepted
    assert result.facts.banner == "220 Testvendor T-1 FTP ready"
    assert [r["user"] for r in log if r["event"] == "login"] == ["anonymous"]
