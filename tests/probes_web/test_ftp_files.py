"""Given a real vsftpd serving a configuration backup and a visitor export anonymously, ftp_files reads
them within the policy's limits and keeps only masked secrets and personal data."""

import asyncio
import json
import os
import random
from pathlib import Path

import pytest

from muniscan.checks.catalogue import exposed_files_personal_data, exposed_files_secrets
from muniscan.checks.model import Verdict
from muniscan.checks.views import ServiceView
from muniscan.facts.codec import to_json
from muniscan.policies.schema import Policy, Probes, Rate, Scope
from muniscan.scanner.probes import ftp_files
from muniscan.scanner.probes.base import AttemptStatus, ServiceTarget
from tests.lab_device import probe_through_gate, running

pytestmark = pytest.mark.skipif(
    not Path("/usr/sbin/vsftpd").exists() or os.geteuid() != 0, reason="vsftpd is not installed, or not root"
)
ADDRESS = f"127.102.4.{random.randint(10, 250)}"
PORT = 2121
SECRET = "Torg3t-NVR!"
FILES = {
    "readme.txt": "export folder",
    "backup/config.cfg": f"hostname=nvr\nadmin_password={SECRET}\nsmtp_url=smtp://larm:Sm7p-Larm@mail.example.se\n",
    "export/visitors.csv": "name;personnummer\nAnna Svensson;19871220-2384\n",
    "export/big.log": "x" * 5000,
    "firmware.bin": "\0" * 100,
}


def policy(**limits) -> Policy:
    return Policy(
        name="ftp-files-test",
        scope=Scope(include=[ADDRESS], never_touch_ports=["515", "2024", "9100-9107", "9999"]),
        rate=Rate(connect_timeout=1.0, read_timeout=3.0, retries=0),  # vsftpd waits 1 s before a refusal
        probes=Probes(**limits),
    )


def read_files(tmp_path: Path, config: dict, **limits):
    async def scenario():
        async with running(tmp_path, "vsftpd", ADDRESS, PORT, config):
            return await probe_through_gate(ftp_files.PROBE, ServiceTarget(ADDRESS, PORT, name="ftp"), policy(**limits))

    result = asyncio.run(scenario())
    assert result.status is AttemptStatus.COMPLETED, result.reason
    return result


def judged(check, result) -> Verdict:
    return check.evaluate(ServiceView(ADDRESS, "tcp", PORT, "ftp", False, "", {"ftp_files": result}), policy()).verdict


def test_secrets_and_personal_data_are_found_and_kept_masked(tmp_path: Path) -> None:
    result = read_files(tmp_path, {"anonymous": True, "files": FILES}, exposed_file_bytes=4096)
    files = {f.path: f for f in result.facts.files}
    assert set(files) == {
        "readme.txt",
        "backup/config.cfg",
        "export/visitors.csv",
        "export/big.log",
        "firmware.bin",
    }
    config = files["backup/config.cfg"]
    assert [(s.kind, s.masked) for s in config.secrets] == [
        ("password", "T*****"),
        ("connection_string", "smtp://l***:*****@mail.example.se"),
    ]
    assert not any(sample.startswith("S") for sample in config.personal_samples)  # no letter of "Sm7p-Larm"
    visitors = files["export/visitors.csv"]
    assert "SE_PERSONNUMMER" in visitors.personal_data and "19******-**84" in visitors.personal_samples
    assert not files["export/big.log"].fetched and files["firmware.bin"].binary  # over 4096 bytes; NUL bytes
    stored = json.dumps(to_json(result.facts))
    assert SECRET not in stored and "Sm7p-Larm" not in stored and "19871220-2384" not in stored
    assert judged(exposed_files_secrets, result) is Verdict.FAIL
    assert judged(exposed_files_personal_data, result) is Verdict.FAIL


def test_the_count_limit_holds_and_likely_files_come_first(tmp_path: Path) -> None:
    result = read_files(tmp_path, {"anonymous": True, "files": FILES}, exposed_files_count=1)
    fetched = [f.path for f in result.facts.files if f.fetched]
    assert fetched == ["backup/config.cfg"] and result.facts.limit_reached


def test_without_anonymous_access_nothing_is_listed(tmp_path: Path) -> None:
    result = read_files(tmp_path, {"anonymous": False, "files": FILES})
    assert (result.facts.anonymous_accepted, result.facts.files) == (False, ())
    assert judged(exposed_files_secrets, result) is Verdict.NOT_APPLICABLE


def test_clean_files_pass(tmp_path: Path) -> None:
    result = read_files(tmp_path, {"anonymous": True, "files": {"readme.txt": "Kamerio NVR-8 export folder"}})
    assert judged(exposed_files_secrets, result) is Verdict.PASS
    assert judged(exposed_files_personal_data, result) is Verdict.PASS
