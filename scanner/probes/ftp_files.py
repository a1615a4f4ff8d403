"""Files an anonymous FTP server hands to anyone: listed, a few small ones read, and their contents
given to the secrets and personal-data detectors. Only masked findings are kept, never the contents.

Safe: read-only commands (LIST, RETR) after the anonymous login any FTP client may try; the policy
bounds how many files, how large and for how long. Data connections go to the device's own address
and the port its PASV reply names, never to an address the reply names (no FTP bounce).
"""

import asyncio
import re
import time

from muniscan.facts.ftp_files import ExposedFilesFacts, FileSeen, SecretSeen
from muniscan.policies.schema import Intrusiveness, Policy
from muniscan.privacy.detection.detector import detect_in_payload
from muniscan.privacy.detection.secrets import find_secrets, without_secrets
from muniscan.scanner.gate import Connection, Gate
from muniscan.scanner.probes.base import ProbeSpec, ProtocolError, ServiceTarget
from muniscan.scanner.probes.ftp import anonymous_login, command, greeting, read_reply
from muniscan.text import terminal_safe

MAX_DIRECTORIES = 4
LISTING_BYTES = 65536
# Where secrets and exports usually are, read first.
LIKELY = (".cfg", ".conf", ".ini", ".xml", ".json", ".yaml", ".yml", ".bak", ".txt", ".csv", ".log", ".env", ".pem")
_PASV = re.compile(r"\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)")
_LIST_LINE = re.compile(r"^([-dl])[rwxsStT-]{9}\S?\s+\d+\s+\S+\s+\S+\s+(\d+)\s+\w{3}\s+\d{1,2}\s+[\d:]{4,5}\s+(.+)$")


def parse_listing(text: str) -> list[tuple[str, str, int]]:
    """(type d/-/l, name, size) of each entry of a Unix-style LIST reply; other lines are skipped."""
    entries = []
    for line in text.splitlines():
        match = _LIST_LINE.match(line.rstrip("\r"))
        if match and match.group(3) not in {".", ".."} and "/" not in match.group(3):
            entries.append((match.group(1), match.group(3), int(match.group(2))))
    return entries


async def _transfer(gate: Gate, target: ServiceTarget, conn: Connection, verb: str, limit: int) -> bytes | None:
    """One passive-mode transfer: None when the server refused it or it was larger than `limit`."""
    code, reply = await command(conn, "PASV")
    match = _PASV.search(reply)
    if code != 227 or not match:
        raise ProtocolError(f"no passive mode ({code})")
    port = int(match.group(5)) * 256 + int(match.group(6))
    async with gate.tcp(target.address, port) as data:
        code, _ = await command(conn, verb)
        if code not in {125, 150}:
            return None
        content = await data.read_some(limit + 1, idle=conn.read_timeout)
    await read_reply(conn)  # 226 (or 426 after a transfer we cut short)
    return None if len(content) > limit else content


def _examined(path: str, size: int, content: bytes) -> FileSeen:
    if b"\0" in content[:4096]:
        return FileSeen(path, size, True, binary=True)
    text = content.decode("utf-8", "replace")
    secrets = tuple(
        SecretSeen(s.kind, terminal_safe(s.where, 80), terminal_safe(s.masked, 120)) for s in find_secrets(text)
    )
    samples: dict[str, str] = {}
    for detection in detect_in_payload(without_secrets(text)):
        samples.setdefault(detection.category, terminal_safe(detection.masked, 60))
    return FileSeen(path, size, True, False, secrets, tuple(samples), tuple(samples.values()))


async def _read_files(gate: Gate, target: ServiceTarget, conn: Connection, policy: Policy) -> ExposedFilesFacts:
    limits = policy.probes
    deadline = time.monotonic() + limits.exposed_files_seconds
    # The folder the login lands in and its sub-folders, by relative paths: what the server means to
    # serve, never the rest of a file system that a server without chroot would also show.
    directories, files, listed = [""], [], 0
    while directories and listed < MAX_DIRECTORIES:
        folder = directories.pop(0)
        listing = await _transfer(gate, target, conn, f"LIST {folder}".strip(), LISTING_BYTES)
        listed += 1
        for kind, name, size in parse_listing((listing or b"").decode("utf-8", "replace")):
            path = f"{folder}/{name}" if folder else name
            if kind == "d" and not folder:
                directories.append(path)
            elif kind == "-":
                files.append((path, size))
        if time.monotonic() > deadline:
            break
    files.sort(key=lambda f: (not f[0].lower().endswith(LIKELY), f[0]))
    seen, fetched, cut = [], 0, False
    for path, size in files:
        shown = terminal_safe(path, 200)
        if size > limits.exposed_file_bytes or fetched >= limits.exposed_files_count or time.monotonic() > deadline:
            cut = cut or size <= limits.exposed_file_bytes
            seen.append(FileSeen(shown, size, False))
            continue
        content = await _transfer(gate, target, conn, f"RETR {path}", limits.exposed_file_bytes)
        fetched += 1
        if content is None:
            seen.append(FileSeen(shown, size, False))
            continue
        seen.append(await asyncio.to_thread(_examined, shown, size, content))
    return ExposedFilesFacts(True, len(files), tuple(seen[:100]), cut)


async def probe_ftp_files(gate: Gate, target: ServiceTarget, policy: Policy) -> ExposedFilesFacts:
    async with gate.tcp(target.address, target.port) as conn:
        await greeting(conn)
        code, _ = await anonymous_login(conn)
        if code != 230:
            return ExposedFilesFacts(False, 0, ())
        await command(conn, "TYPE I")
        budget = policy.probes.exposed_files_seconds + policy.rate.read_timeout
        facts = await asyncio.wait_for(_read_files(gate, target, conn, policy), budget)
        await conn.send(b"QUIT\r\n")
    return facts


PROBE = ProbeSpec(
    name="ftp_files",
    intrusiveness=Intrusiveness.SAFE,
    facts_type=ExposedFilesFacts,
    applies=lambda t: t.transport == "tcp" and t.name == "ftp",
    run=probe_ftp_files,
    description="Anonymous FTP: list, read a few small files (policy limits), report masked secrets and personal data",
)
