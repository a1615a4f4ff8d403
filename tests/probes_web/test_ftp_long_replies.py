"""Given an FTP server whose replies are very long (a FEAT reply over 64 KB, in one line or in thousands), the
ftp probe still completes and reports the anonymous login: a long reply is read to a bound, never fatal."""

import asyncio

import pytest

from muniscan.facts.attempt import AttemptStatus
from muniscan.scanner.probes import ftp
from muniscan.scanner.probes.base import ServiceTarget

from .conftest import run_probe

ADDRESS, PORT = "127.107.4.1", 2121

ONE_LONG_LINE = b"211-Features:\r\n " + b"X" * 70_000 + b"\r\n AUTH TLS\r\n211 End\r\n"
MANY_LINES = b"211-Features:\r\n" + b"".join(b" FEATURE%05d\r\n" % i for i in range(6000)) + b"211 End\r\n"
ENDLESS = b"211-Features:\r\n" + b" MORE\r\n" * 300_000  # never ends: over the bound


async def _serve(feat: bytes) -> asyncio.Server:
    async def session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 Hostile FTP ready\r\n")
        while line := await reader.readline():
            verb = line.split()[0].upper() if line.split() else b""
            replies = {b"USER": b"331 Password?\r\n", b"PASS": b"230 Welcome, anonymous\r\n", b"FEAT": feat}
            if verb == b"QUIT":
                break
            writer.write(replies.get(verb, b"502 No\r\n"))
            await writer.drain()
        writer.close()

    return await asyncio.start_server(session, ADDRESS, PORT)


@pytest.mark.parametrize("feat", [ONE_LONG_LINE, MANY_LINES, ENDLESS], ids=["one-70k-line", "6000-lines", "endless"])
def test_a_long_feat_reply_does_not_hide_anonymous_ftp(feat: bytes) -> None:
    async def scenario():
        server = await _serve(feat)
        async with server:
            return await run_probe(ftp.PROBE, ServiceTarget(ADDRESS, PORT, name="ftp"))

    result = asyncio.run(scenario())
    assert result.status is AttemptStatus.COMPLETED, result.reason
    assert result.facts.anonymous_accepted is True
    if feat is ONE_LONG_LINE:
        assert result.facts.auth_tls_offered is True
    if feat is MANY_LINES:
        assert len(result.facts.features) == 30  # the facts keep a short list
