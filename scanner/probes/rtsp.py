"""RTSP: does a camera hand out its stream description (DESCRIBE 200) without credentials?

OPTIONS once, then DESCRIBE on a short list of common stream paths, stopping at the first that exists.
No credentials are sent and no stream is set up.
"""

from muniscan.facts.rtsp import RtspAnswer, RtspFacts
from muniscan.policies.schema import Intrusiveness, Policy
from muniscan.scanner.gate import Connection, Gate
from muniscan.scanner.probes.base import ProbeSpec, ProtocolError, ServiceTarget
from muniscan.text import terminal_safe

RTSP_PORTS = frozenset({554, 8554})
STREAM_PATHS = ("/", "/stream1", "/live", "/h264", "/Streaming/Channels/101")
MAX_RESPONSE = 16384


def parse_response(raw: bytes) -> tuple[int, dict[str, list[str]]]:
    head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    lines = head.split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("RTSP/") or not parts[1].isdigit():
        raise ProtocolError(f"not an RTSP status line: {terminal_safe(lines[0], 60)!r}")
    headers: dict[str, list[str]] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return int(parts[1]), headers


async def exchange(conn: Connection, method: str, uri: str, cseq: int) -> tuple[int, dict[str, list[str]]]:
    await conn.send(
        f"{method} {uri} RTSP/1.0\r\nCSeq: {cseq}\r\nUser-Agent: muniscan\r\nAccept: application/sdp\r\n\r\n".encode()
    )
    raw = await conn.read_some(MAX_RESPONSE, idle=0.3)
    if not raw:
        raise ConnectionError("the camera closed the connection")
    return parse_response(raw)


async def probe_rtsp(gate: Gate, target: ServiceTarget, policy: Policy) -> RtspFacts:
    base = f"rtsp://{target.address}:{target.port}"
    answers, schemes, open_path = [], set(), None
    async with gate.tcp(target.address, target.port) as conn:
        status, headers = await exchange(conn, "OPTIONS", "*", 1)
        server = terminal_safe(headers.get("server", [""])[0], limit=120)
        methods = tuple(m.strip() for m in ",".join(headers.get("public", [])).split(",") if m.strip())
        for cseq, path in enumerate(STREAM_PATHS, start=2):
            status, headers = await exchange(conn, "DESCRIBE", base + path, cseq)
            answers.append(RtspAnswer(path, status))
            schemes |= {h.split(" ", 1)[0].capitalize() for h in headers.get("www-authenticate", []) if h}
            if status == 200:
                open_path = path
            if status in (200, 401, 403):
                break
    return RtspFacts(server, methods, tuple(answers), tuple(sorted(schemes)), open_path)


PROBE = ProbeSpec(
    name="rtsp",
    intrusiveness=Intrusiveness.SAFE,
    facts_type=RtspFacts,
    applies=lambda t: t.transport == "tcp" and (t.port in RTSP_PORTS or t.name == "rtsp"),
    run=probe_rtsp,
    description="RTSP OPTIONS and DESCRIBE without credentials on a few common stream paths",
)
