"""HTTP(S): what a browser would meet on a device's web interface (headers, auth, cookies, admin pages).

Redirects are followed on the same host and port only (a few hops); a redirect elsewhere is recorded,
never followed. The landing page, a few fixed admin paths and a few same-host links it offers are read,
and a made-up path shows how the device answers a page that cannot exist. GET requests only, no form
is submitted and no password sent: safe.
"""

import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from muniscan.facts.http import CookieFacts, HttpFacts, LoginForm, PageFacts
from muniscan.policies.schema import Intrusiveness, Policy
from muniscan.scanner.gate import Gate
from muniscan.scanner.probes.base import ProbeSpec, ProtocolError, ServiceTarget
from muniscan.scanner.probes.http_pages import Origin, acts_on_device, forms_on, safe_links, same_origin_path
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
MAX_REDIRECTS = 3
MAX_LINKED_PAGES = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)
_PASSWORD_FIELD = re.compile(rb"<input[^>]+type=[\"']?password", re.I)
_ADMIN_WORDS = re.compile(rb"settings|configuration|firmware|users|network setup|admin", re.I)
# Link texts and the title are left out: a home page that links to "Administration" is not one.
_NOT_CONTENT = re.compile(
    rb"<a\b[^>]{0,2000}>[^<]{0,2000}</a>|<title[^>]{0,200}>[^<]{0,2000}</title>|<[^>]{0,2000}>", re.I
)


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


def _page(path: str, response: HttpResponse, catch_all: bytes | None) -> PageFacts:
    location = response.header("location") or ""
    to_login = response.status in REDIRECT_STATUSES and ("login" in location.lower() or location == "/")
    password = bool(_PASSWORD_FIELD.search(response.body))
    auth_required = response.status in {401, 403} or to_login or password
    admin = (
        response.status == 200
        and not password
        and bool(_ADMIN_WORDS.search(_NOT_CONTENT.sub(b" ", response.body)))
        and response.body != catch_all  # a page every path answers says nothing about this path
    )
    return PageFacts(path, response.status, auth_required, admin)


def _answers_like_made_up(response: HttpResponse, made_up: HttpResponse) -> bool:
    """A 401/403 (or other refusal) that a made-up path gets too says nothing about whether this path exists."""
    return response.status == made_up.status and response.status not in (200, *REDIRECT_STATUSES)


@dataclass
class _Landing:
    response: HttpResponse
    path: str
    redirects: list[str]
    to_https: bool = False
    offsite: str | None = None


async def _follow(gate: Gate, target: ServiceTarget, origin: Origin, root: HttpResponse) -> _Landing:
    """Follow "/"'s redirects while they stay on this host and port; record, never follow, any other."""
    landing = _Landing(root, "/", [])
    for _ in range(MAX_REDIRECTS):
        location = landing.response.header("location")
        if landing.response.status not in REDIRECT_STATUSES or not location:
            break
        path, absolute = same_origin_path(origin, landing.path, location)
        landing.redirects.append(terminal_safe(absolute, 200))
        if path is None:
            parts = urlsplit(absolute)
            if parts.scheme == "https" and not target.tls and parts.hostname == target.address:
                landing.to_https = True
            else:
                landing.offsite = terminal_safe(absolute, 200)
            break
        if acts_on_device(path):
            break
        landing.path, landing.response = path, await fetch(gate, target, path)
    return landing


def _login_forms(origin: Origin, path: str, response: HttpResponse) -> list[LoginForm]:
    return [
        LoginForm(path, terminal_safe(form.action, 200), urlsplit(form.action).scheme or origin.scheme, form.method)
        for form in forms_on(origin, path, response.body)
        if form.has_password
    ]


async def probe_http(gate: Gate, target: ServiceTarget, policy: Policy) -> HttpFacts:
    origin = Origin("https" if target.tls else "http", target.address, target.port)
    root = await fetch(gate, target, "/")
    landing = await _follow(gate, target, origin, root)
    seen = landing.response
    scheme, realm = auth_scheme(root)
    if scheme == "none":
        scheme, realm = auth_scheme(seen)
    pages: dict[str, PageFacts] = {}
    forms: list[LoginForm] = []
    made_up_status = None
    if not landing.to_https and landing.offsite is None:
        made_up = await fetch(gate, target, f"/muniscan-no-such-page-{secrets.token_hex(4)}")
        made_up_status = made_up.status
        catch_all = made_up.body if made_up.status == 200 else None
        if seen.status not in REDIRECT_STATUSES and seen.status != 404:
            pages[landing.path] = _page(landing.path, seen, catch_all)
            forms += _login_forms(origin, landing.path, seen)
        linked = safe_links(origin, landing.path, seen.body, MAX_LINKED_PAGES) if seen.status == 200 else []
        for path in (*ADMIN_PATHS, *linked):
            if path in pages:
                continue
            response = await fetch(gate, target, path)
            if response.status == 404 or _answers_like_made_up(response, made_up):
                continue
            pages[path] = _page(path, response, catch_all)
            if response.body != catch_all:
                forms += _login_forms(origin, path, response)
            if scheme == "none":
                scheme, realm = auth_scheme(response)
    present = {name for name, _ in seen.headers}
    title = _TITLE.search(seen.body)
    location = root.header("location")
    plaintext_form = any(form.scheme == "http" for form in forms) or (scheme == "form" and not target.tls)
    return HttpFacts(
        tls=target.tls,
        status=root.status,
        server=terminal_safe(root.header("server") or "", 120) or None,
        powered_by=terminal_safe(root.header("x-powered-by") or "", 120) or None,
        title=terminal_safe(title.group(1).decode("utf-8", "replace").strip(), 120) if title else None,
        auth_scheme=scheme,
        auth_realm=realm,
        redirect_to_https=landing.to_https,
        location=terminal_safe(location, 200) if location else None,
        security_headers=tuple(h for h in SECURITY_HEADERS if h in present),
        missing_security_headers=tuple(h for h in SECURITY_HEADERS if h not in present),
        cookies=tuple(parse_cookie(c) for c in dict.fromkeys((*root.all("set-cookie"), *seen.all("set-cookie")))),
        pages=tuple(pages.values()),
        form_posts_plaintext=plaintext_form,
        landing_path=landing.path,
        redirects=tuple(landing.redirects),
        offsite_redirect=landing.offsite,
        login_forms=tuple(forms),
        made_up_status=made_up_status,
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
