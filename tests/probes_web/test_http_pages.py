"""Given device web interfaces that redirect, link and catch every path, the http probe reads what a
browser would, stays on the device it was sent to, and never opens a link that could act on it."""

import asyncio
import random
from collections import Counter
from collections.abc import Awaitable, Callable

import pytest
from aiohttp import web

from muniscan.policies.schema import Policy, Rate, Scope
from muniscan.scanner.probes import http
from muniscan.scanner.probes.base import AttemptStatus, ServiceTarget
from muniscan.scanner.probes.http_pages import Origin, acts_on_device, forms_on, safe_links, same_origin_path

from .conftest import NEVER_TOUCH, run_probe

# Two addresses of this suite's own block: the device, and another host the device points at.
DEVICE = f"127.102.0.{random.randint(10, 120)}"
ELSEWHERE = f"127.102.0.{random.randint(130, 250)}"
PORT = 18080
LOGIN = '<html><head><title>Acme Gate</title></head><body><form action="/auth" method="post"><input name="u">'
LOGIN += '<input type="password" name="p"></form></body></html>'
ADMIN = "<html><body><h1>Network settings</h1><p>Firmware 1.2</p><a href='/status.html'>Status</a></body></html>"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def both_hosts() -> Policy:
    """Both addresses are in scope: only the probe's own rule can keep it from following elsewhere."""
    return Policy(
        name="web-pages-test",
        scope=Scope(include=[DEVICE, ELSEWHERE], never_touch_ports=NEVER_TOUCH),
        rate=Rate(connect_timeout=1.0, read_timeout=1.5, packets_per_second=2000),
    )


async def serve(address: str, handler: Handler) -> web.AppRunner:
    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", handler)
    site_runner = web.AppRunner(app, access_log=None)
    await site_runner.setup()
    await web.TCPSite(site_runner, address, PORT).start()
    return site_runner


def probe_site(device: Handler, hits: Counter[str], elsewhere_hits: Counter[str]) -> http.HttpFacts:
    async def counting(request: web.Request) -> web.StreamResponse:
        hits[request.path] += 1
        return await device(request)

    async def other_host(request: web.Request) -> web.StreamResponse:
        elsewhere_hits[request.path] += 1
        return web.Response(text=LOGIN, content_type="text/html")

    async def scenario() -> http.HttpFacts:
        runners = [await serve(DEVICE, counting), await serve(ELSEWHERE, other_host)]
        try:
            result = await run_probe(http.PROBE, ServiceTarget(DEVICE, PORT, name="http"), both_hosts())
        finally:
            for item in runners:
                await item.cleanup()
        assert result.status is AttemptStatus.COMPLETED, result.reason
        return result.facts

    return asyncio.run(scenario())


def test_a_redirect_to_another_host_is_recorded_and_never_followed() -> None:
    async def device(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(f"http://{ELSEWHERE}:{PORT}/login")

    hits: Counter[str] = Counter()
    elsewhere: Counter[str] = Counter()
    facts = probe_site(device, hits, elsewhere)
    assert facts.offsite_redirect == f"http://{ELSEWHERE}:{PORT}/login"
    assert sum(elsewhere.values()) == 0  # not one connection reached the other host
    assert hits == Counter({"/": 1}) and facts.pages == ()


def test_same_host_redirects_lead_to_the_login_form_served_over_http() -> None:
    async def device(request: web.Request) -> web.StreamResponse:
        if request.path == "/":
            raise web.HTTPFound("/cgi-bin/start")
        if request.path == "/cgi-bin/start":
            raise web.HTTPFound(f"http://{DEVICE}:{PORT}/login.html")
        if request.path == "/login.html":
            return web.Response(text=LOGIN, content_type="text/html")
        raise web.HTTPNotFound()

    facts = probe_site(device, Counter(), Counter())
    assert facts.landing_path == "/login.html" and facts.title == "Acme Gate"
    assert facts.redirects == (f"http://{DEVICE}:{PORT}/cgi-bin/start", f"http://{DEVICE}:{PORT}/login.html")
    (form,) = facts.login_forms
    assert (form.page, form.action, form.scheme) == ("/login.html", f"http://{DEVICE}:{PORT}/auth", "http")
    assert facts.form_posts_plaintext and facts.auth_scheme == "form"
    assert facts.pages[0].auth_required and not facts.admin_unauthenticated


def test_an_open_console_is_found_through_its_links_and_actions_are_never_opened() -> None:
    home = (
        "<html><body><h1>Welcome</h1><a href='/settings.html'>Settings</a> <a href='/reboot.cgi'>Reboot</a>"
        f"<a href='/logout'>Log out</a> <a href='http://{ELSEWHERE}:{PORT}/docs'>Manual</a>"
        "<a href='/set?x=1'>Quick set</a></body></html>"
    )

    async def device(request: web.Request) -> web.StreamResponse:
        if request.path == "/":
            return web.Response(text=home, content_type="text/html")
        if request.path == "/settings.html":
            return web.Response(text=ADMIN, content_type="text/html")
        if request.path in {"/reboot.cgi", "/logout", "/set"}:
            return web.Response(text="done")
        raise web.HTTPNotFound()

    hits: Counter[str] = Counter()
    elsewhere: Counter[str] = Counter()
    facts = probe_site(device, hits, elsewhere)
    assert facts.admin_unauthenticated == ("/settings.html",)
    assert hits["/reboot.cgi"] == hits["/logout"] == hits["/set"] == 0 and sum(elsewhere.values()) == 0
    assert facts.made_up_status == 404


def test_a_catch_all_page_is_not_taken_for_open_administration() -> None:
    async def device(request: web.Request) -> web.StreamResponse:
        return web.Response(text=ADMIN, content_type="text/html")  # every path, the same page

    facts = probe_site(device, Counter(), Counter())
    assert facts.made_up_status == 200
    assert facts.admin_unauthenticated == ()


ORIGIN = Origin("http", "127.102.0.5", 80)


@pytest.mark.parametrize(
    ("reference", "path"),
    [
        ("/a.html", "/a.html"),
        ("b.html", "/dir/b.html"),
        ("http://127.102.0.5/c", "/c"),
        ("http://127.102.0.5:80/d?x=1", "/d?x=1"),
        ("https://127.102.0.5/e", None),  # another scheme is another origin
        ("http://127.102.0.6/f", None),
        ("//127.102.0.6/g", None),
        ("http://127.102.0.5:8080/h", None),
        ("http://127.102.0.5:notaport/i", None),
    ],
)
def test_same_origin_paths(reference: str, path: str | None) -> None:
    assert same_origin_path(ORIGIN, "/dir/page.html", reference)[0] == path


@pytest.mark.parametrize(
    ("path", "acts"),
    [
        ("/settings.html", False),
        ("/network_setup.htm", False),
        ("/status", False),
        ("/reboot.cgi", True),
        ("/cgi-bin/factoryReset", True),
        ("/set.cgi", True),
        ("/apply", True),
        ("/Logout.asp", True),
    ],
)
def test_links_that_could_act_on_a_device(path: str, acts: bool) -> None:
    assert acts_on_device(path) is acts


def test_links_are_bounded_and_skip_files_and_scripts() -> None:
    body = b"".join(f"<a href='/p{i}.html'>p</a>".encode() for i in range(20))
    body += b"<a href='/logo.png'>x</a><a href='javascript:go()'>y</a><iframe src='/frame.htm'></iframe>"
    assert safe_links(ORIGIN, "/", body, 5) == ["/p0.html", "/p1.html", "/p2.html", "/p3.html", "/p4.html"]
    assert "/frame.htm" in safe_links(ORIGIN, "/", body, 50) and "/logo.png" not in safe_links(ORIGIN, "/", body, 50)


def test_forms_survive_broken_markup() -> None:
    body = b"<form action='https://127.102.0.5/login'><input type=password name=p><form><input name=q"
    forms = forms_on(ORIGIN, "/", body)
    assert [(f.action, f.has_password) for f in forms] == [
        ("https://127.102.0.5/login", True),
        ("http://127.102.0.5:80/", False),
    ]
