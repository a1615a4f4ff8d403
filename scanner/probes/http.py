"""HTTP(S): what a browser would meet on a device's web interface (headers, auth, cookies, admin pages).

A handful of GET requests, no form is submitted and no password sent: safe.
"""

import re
from dataclasses import dataclass

from muniscan.facts.http import CookieFacts, HttpFacts, PageFacts
from muniscan.policies.schema import Intrusiveness, Policy
from muniscan.scanner.gate import Gate
from muniscan.scanner.probes.base import ProbeSpec, ProtocolError, ServiceTarget
from muniscan.scanner.probes.tls import client_context
from muniscan.text import terminal_safe

HTTP_PORTS = frozenset({80, 81, 443, 5000, 8000, 8008, 8080, 8081, 8443, 8888, 9000, 9443})
ADMIN_PATHS = ("/admin", "/admin/", "/config", "/setup", "/cgi-bin/admin.cgi")
SECURITY_HEADERS = (
    "strict-transport-security",
    "content-security-policy",
    "x-frame-options",
    "x-content-type-options",
)
BODY_LIMIT = 32768
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)
_PASSWORD_FIELD = re.compile(rb"<input[^>]+type=[\"']?password", re.I)
_FORM_ACTION = re.compile(rb"<form[^>]*action=[\"']?([^\"' >]+)", re.I)
_ADMIN_WORDS = re.compile(rb"settings|configuration|firmware|users|network setup|admin", re.I)


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k == name), None)

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k == name]








def parse_response(raw: bytes) -> HttpResponse:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    match = re.match(r"HTTP/\d(?:\.\d)? (\d{3})", lines[0])
    if not match:
        raise ProtocolError(f"not HTTP: {terminal_safe(lines[0], 60)!r}")
    headers = tuple(
        (name.strip().lower(), value.strip()) for name, sep, value in (x.partition(":") for x in lines[1:]) if sep
    )
    return HttpResponse(int(match.group(1)), headers, body[:BODY_LIMIT])


async def fetch(gate: Gate, target: ServiceTarget, path: str) -> HttpResponse:
    """One GET, closed after the answer; redirects are reported, not followed."""
    tls = client_context() if target.tls else None
    async with gate.tcp(target.address, target.port, tls=tls) as conn:
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {target.address}:{target.port}\r\nUser-Agent: muniscan\r\n"
            "Accept: text/html\r\nConnection: close\r\n\r\n"
        )
        await conn.send(request.encode())
        raw = await conn.read_some(BODY_LIMIT + 8192, idle=1.0)
    if not raw:
        raise ProtocolError("no answer to an HTTP request")
    return parse_response(raw)


def parse_cookie(header: str) -> CookieFacts:
    name = header.split("=", 1)[0].strip()
    attributes = {a.strip().split("=", 1)[0].lower(): a.strip() for a in header.split(";")[1:]}
    same_site = attributes.get("samesite")
    return CookieFacts(
        name=terminal_safe(name, 60),
        secure="secure" in attributes,
        http_only="httponly" in attributes,
        same_site=same_site.split("=", 1)[-1] if same_site and "=" in same_site else None,
    )


def auth_scheme(response: HttpResponse) -> tuple[str, str | None]:
    challenge = response.header("www-authenticate")
    if challenge:
        realm = re.search(r'realm="([^"]*)"', challenge)
        scheme = challenge.split(" ", 1)[0].lower()
        return (scheme if scheme in {"basic", "digest"} else "other"), terminal_safe(
            realm.group(1), 80
        ) if realm else None
    if _PASSWORD_FIELD.search(response.body):
        return "form", None
    return "none", None


def _page(path: str, response: HttpResponse) -> PageFacts:
    location = response.header("location") or ""
    to_login = response.status in {301, 302, 303, 307, 308} and ("login" in location.lower() or location == "/")
    auth_required = response.status in {401, 403} or to_login
    admin = (
        response.status == 200
        and not _PASSWORD_FIELD.search(response.body)
        and bool(_ADMIN_WORDS.search(response.body))
    )
    return PageFacts(path, response.status, auth_required, admin)


async def probe_http(gate: Gate, target: ServiceTarget, policy: Policy) -> HttpFacts:
    root = await fetch(gate, target, "/")
    scheme, realm = auth_scheme(root)
    location = root.header("location")
    redirect_https = root.status in {301, 302, 303, 307, 308} and (location or "").lower().startswith("https://")
    pages = []
    if not redirect_https:
        for path in ADMIN_PATHS:
            response = await fetch(gate, target, path)
            if response.status == 404:
                continue
            pages.append(_page(path, response))
            if scheme == "none":
                scheme, realm = auth_scheme(response)
    present = {name for name, _ in root.headers}
    title = _TITLE.search(root.body)
    action = _FORM_ACTION.search(root.body)
    plaintext_form = scheme == "form" and (
        not target.tls or bool(action and action.group(1).lower().startswith(b"http://"))
    )
    return HttpFacts(
        tls=target.tls,
        status=root.status,
        server=terminal_safe(root.header("server") or "", 120) or None,
        powered_by=terminal_safe(root.header("x-powered-by") or "", 120) or None,
        title=terminal_safe(title.group(1).decode("utf-8", "replace").strip(), 120) if title else None,
        auth_scheme=scheme,
        auth_realm=realm,
        redirect_to_https=redirect_https,
        location=terminal_safe(location, 200) if location else None,
        security_headers=tuple(h for h in SECURITY_HEADERS if h in present),
        missing_security_headers=tuple(h for h in SECURITY_HEADERS if h not in present),
        cookies=tuple(parse_cookie(c) for c in root.all("set-cookie")),
        pages=tuple(pages),
        form_posts_plaintext=plaintext_form,
    )


def _speaks_http(target: ServiceTarget) -> bool:
    if target.transport != "tcp":
        return False
    if target.name in {"http", "https"}:
        return True
    return target.port in HTTP_PORTS and not target.banner


PROBE = ProbeSpec(
    name="http",
    intrusiveness=Intrusiveness.SAFE,
    facts_type=HttpFacts,
    applies=_speaks_http,
    run=probe_http,
    description="Web interface: server header, title, auth scheme, HTTPS redirect, security headers, cookies",
)
