"""Given real PostgreSQL servers that trust network clients or ask for SCRAM, the postgres probe tells
which without sending a password, and psql (not muniscan) confirms it."""

import asyncio
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from muniscan.checks.catalogue import postgresql_unauthenticated_access
from muniscan.checks.model import Verdict
from muniscan.checks.views import ServiceView
from muniscan.scanner.probes import postgres
from muniscan.scanner.probes.base import AttemptStatus, ServiceTarget
from tests.lab_device import running

from .conftest import run_probe

pytestmark = pytest.mark.skipif(
    not (shutil.which("initdb") or list(Path("/usr/lib/postgresql").glob("*/bin/initdb")))
    or shutil.which("psql") is None
    or os.geteuid() != 0,
    reason="PostgreSQL server and psql are needed, and root to run the server as its system user",
)
ADDRESS = f"127.102.5.{random.randint(10, 250)}"
PORT = 15432


def psql_as_postgres() -> subprocess.CompletedProcess[str]:
    argv = ["psql", "-h", ADDRESS, "-p", str(PORT), "-U", "postgres", "-d", "postgres", "-w", "-tAc", "select 1"]
    return subprocess.run(
        argv, capture_output=True, text=True, timeout=10, check=False, env={**os.environ, "PGPASSWORD": ""}
    )


@pytest.mark.parametrize(
    ("auth", "seen", "verdict"), [("trust", "trust", Verdict.FAIL), ("scram-sha-256", "scram", Verdict.PASS)]
)
def test_trust_and_scram(tmp_path: Path, auth: str, seen: str, verdict: Verdict) -> None:
    async def scenario():
        async with running(tmp_path, "postgresql", ADDRESS, PORT, {"auth": auth}):
            result = await run_probe(postgres.PROBE, ServiceTarget(ADDRESS, PORT, name="postgresql"))
            return result, await asyncio.to_thread(psql_as_postgres)

    result, psql = asyncio.run(scenario())
    assert result.status is AttemptStatus.COMPLETED, result.reason
    assert result.facts.authentication == seen and result.facts.tls_offered is False
    assert (psql.returncode == 0 and psql.stdout.strip() == "1") is (auth == "trust"), psql.stderr
    service = ServiceView(ADDRESS, "tcp", PORT, "postgresql", False, "", {"postgres": result})
    assert postgresql_unauthenticated_access.evaluate(service, None).verdict is verdict  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "body", "seen"),
    [
        (b"R", b"\0\0\0\x05salt", "md5"),
        (b"R", b"\0\0\0\x03", "password"),
        (b"E", b'SFATAL\0C28000\0Mno pg_hba.conf entry for host "1.2.3.4"\0\0', "rejected"),
        (b"E", b'SFATAL\0C28000\0Mrole "x" does not exist\0\0', "trust"),
        (b"E", b"SFATAL\0C53300\0Msorry, too many clients already\0\0", "other"),
    ],
)
def test_answers_are_read_as_postgresql_sends_them(kind: bytes, body: bytes, seen: str) -> None:
    assert postgres.judge_answer(kind, body)[0] == seen
