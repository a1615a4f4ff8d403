"""Given a lab web interface set up good or bad, the http probe reports what a browser would meet."""

import asyncio
from pathlib import Path

import pytest

from muniscan.facts.attempt import AttemptStatus
from muniscan.scanner.probes import http
from muniscan.scanner.probes.base import ServiceTarget
from tests.lab_device import running

from .conftest import lab_address, run_probe

ADDRESS = lab_address()
CASES = [
    # kind, port, config, expected facts
    ("http", 8080, {"accounts": {"admin": "admin"}}, {"auth_scheme": "basic", "redirect_to_https": False}),
    ("http", 8080, {"auth": "digest"}, {"auth_scheme": "digest"}),
    ("http", 8080, {"auth": "form"}, {"auth_scheme": "form", "form_posts_plaintext": True}),
    ("http", 8080, {"auth": "none"}, {"auth_scheme": "none", "admin_unauthenticated": ("/admin",)}),
    ("http", 8080, {"redirect_to_https": 8443}, {"redirect_to_https": True, "pages": ()}),
    ("http", 8080, {"security_headers": False}, {"security_headers": ()}),
    ("http", 8080, {"server_header": "lighttpd/1.4.35"}, {"server": "lighttpd/1.4.35"}),
    ("https", 8443, {"auth": "form"}, {"tls": True, "form_posts_plaintext": False, "missing_security_headers": ()}),
]


def probe(tmp_path: Path, kind: str, port: int, config: dict) -> http.HttpFacts:
    async def scenario():
        async with running(tmp_path, kind, ADDRESS, port, config):
            return await run_probe(http.PROBE, ServiceTarget(ADDRESS, port, tls=kind == "https", name=kind))

    result = asyncio.run(scenario())
    assert result.status is AttemptStatus.COMPLETED, result.reason
    return result.facts


@pytest.mark.parametrize(("kind", "port", "config", "expected"), CASES)
def test_web_interface_facts(tmp_path: Path, kind: str, port: int, config: dict, expected: dict) -> None:
    facts = probe(tmp_path, kind, port, config)
    assert {k: getattr(facts, k) for k in expected} == expected
    assert facts.title == (None if facts.redirect_to_https else "Testvendor T-1")


@pytest.mark.parametrize(
    ("kind", "flags", "secure", "http_only", "same_site"),
    [("https", None, True, True, "Strict"), ("http", None, False, True, "Strict"), ("https", [], False, False, None)],
)
def test_cookie_flags_on_the_login_page(tmp_path: Path, kind, flags, secure, http_only, same_site) -> None:
    config = {"auth": "form"} | ({"cookie_flags": flags} if flags is not None else {})
    (cookie,) = probe(tmp_path, kind, 8443 if kind == "https" else 8080, config).cookies
    assert (cookie.name, cookie.secure, cookie.http_only, cookie.same_site) == ("session", secure, http_only, same_site)


def test_the_probe_sends_no_credentials(tmp_path: Path) -> None:
    async def scenario():
        async with running(tmp_path, "http", ADDRESS, 8080, {"accounts": {"admin": "admin"}}) as lab:
            await run_probe(http.PROBE, ServiceTarget(ADDRESS, 8080, name="http"))
            return lab.log()

    log = asyncio.run(scenario())
    assert [r for r in log if r["event"] == "login"] == []
    assert all(r["line"].startswith("GET ") for r in log if r["event"] == "request")


def test_a_non_http_service_is_a_protocol_error(tmp_path: Path) -> None:
    async def scenario():
        async with running(tmp_path, "ftp", ADDRESS, 2121, {}):
            return await run_probe(http.PROBE, ServiceTarget(ADDRESS, 2121, name="http"))

    result = asyncio.run(scenario())
    assert result.status is AttemptStatus.ERROR and result.reason.startswith("protocol:")


def test_an_admin_path_counts_only_when_it_answers_unlike_a_made_up_path(tmp_path: Path) -> None:
    """A server that challenges every URL, made-up ones too, shows no admin page; one that 404s the rest does."""
    everywhere = probe(tmp_path, "http", 8080, {"accounts": {"admin": "S3cret!"}, "challenge_every_path": True})
    assert (everywhere.made_up_status, everywhere.auth_scheme) == (401, "basic")
    assert [p.path for p in everywhere.pages] == ["/"]  # the root, and no admin path that only echoes the 401
    usual = probe(tmp_path, "http", 8080, {"accounts": {"admin": "S3cret!"}})
    assert usual.made_up_status == 404
    assert ("/admin", 401, True) in [(p.path, p.status, p.auth_required) for p in usual.pages]
