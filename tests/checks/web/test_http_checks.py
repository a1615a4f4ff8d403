"""Given what a browser met on a web interface, the HTTP checks judge TLS, auth, headers and cookies."""

from dataclasses import replace

import pytest

from muniscan.checks.catalogue import (
    http_admin_unauthenticated,
    http_admin_without_tls,
    http_basic_auth_cleartext,
    http_insecure_cookies,
    http_missing_security_headers,
)
from muniscan.checks.model import Verdict
from muniscan.facts.http import CookieFacts, HttpFacts, PageFacts

from .conftest import POLICY, bare, service

ALL_HEADERS = ("strict-transport-security", "content-security-policy", "x-frame-options", "x-content-type-options")
GOOD_COOKIE = CookieFacts("session", secure=True, http_only=True, same_site="Strict")
LOGIN_REQUIRED = (PageFacts("/admin", 401, auth_required=True, admin_content=False),)
HARDENED = HttpFacts(
    tls=True,
    status=200,
    server="Klimatec-BMS",
    powered_by=None,
    title="Klimatec BMS-Web 3",
    auth_scheme="form",
    auth_realm=None,
    redirect_to_https=False,
    location=None,
    security_headers=ALL_HEADERS,
    missing_security_headers=(),
    cookies=(GOOD_COOKIE,),
    pages=LOGIN_REQUIRED,
)
PLAIN_BASIC = replace(
    HARDENED,
    tls=False,
    auth_scheme="basic",
    auth_realm="BMS",
    security_headers=(),
    missing_security_headers=ALL_HEADERS,
    cookies=(),
)
PLAIN_FORM = replace(HARDENED, tls=False, form_posts_plaintext=True)
REDIRECTING = replace(PLAIN_BASIC, status=301, redirect_to_https=True, location="https://127.77.10.1/", pages=())
OPEN_ADMIN = replace(PLAIN_BASIC, auth_scheme="none", pages=(PageFacts("/admin", 200, False, True),))
NO_ADMIN = replace(PLAIN_BASIC, auth_scheme="none", pages=())

CASES = [
    (http_admin_without_tls, HARDENED, Verdict.NOT_APPLICABLE),
    (http_admin_without_tls, PLAIN_BASIC, Verdict.FAIL),
    (http_admin_without_tls, PLAIN_FORM, Verdict.FAIL),
    (http_admin_without_tls, OPEN_ADMIN, Verdict.FAIL),
    (http_admin_without_tls, REDIRECTING, Verdict.PASS),
    (http_admin_without_tls, NO_ADMIN, Verdict.PASS),
    (http_basic_auth_cleartext, PLAIN_BASIC, Verdict.FAIL),
    (http_basic_auth_cleartext, PLAIN_FORM, Verdict.FAIL),
    (http_basic_auth_cleartext, replace(HARDENED, auth_scheme="basic"), Verdict.PASS),
    (http_basic_auth_cleartext, HARDENED, Verdict.PASS),
    (http_basic_auth_cleartext, OPEN_ADMIN, Verdict.NOT_APPLICABLE),
    (http_missing_security_headers, HARDENED, Verdict.PASS),
    (http_missing_security_headers, PLAIN_BASIC, Verdict.FAIL),
    (http_missing_security_headers, replace(HARDENED, security_headers=ALL_HEADERS[1:]), Verdict.FAIL),
    (http_missing_security_headers, replace(PLAIN_BASIC, security_headers=ALL_HEADERS[1:]), Verdict.PASS),
    (http_missing_security_headers, REDIRECTING, Verdict.NOT_APPLICABLE),
    (http_insecure_cookies, HARDENED, Verdict.PASS),
    (http_insecure_cookies, replace(HARDENED, cookies=(replace(GOOD_COOKIE, secure=False),)), Verdict.FAIL),
    (http_insecure_cookies, replace(HARDENED, cookies=(replace(GOOD_COOKIE, same_site="None"),)), Verdict.FAIL),
    (http_insecure_cookies, replace(PLAIN_FORM, cookies=(replace(GOOD_COOKIE, secure=False),)), Verdict.PASS),
    (http_insecure_cookies, PLAIN_BASIC, Verdict.NOT_APPLICABLE),
    (http_admin_unauthenticated, OPEN_ADMIN, Verdict.FAIL),
    (http_admin_unauthenticated, HARDENED, Verdict.PASS),
    (http_admin_unauthenticated, NO_ADMIN, Verdict.NOT_APPLICABLE),
]
HTTP_CHECKS = sorted({c[0] for c in CASES}, key=lambda m: m.__name__)


@pytest.mark.parametrize(("check", "facts", "verdict"), CASES)
def test_verdicts(check, facts: HttpFacts, verdict: Verdict) -> None:
    assert check.evaluate(service("http", facts, port=80), POLICY).verdict is verdict


@pytest.mark.parametrize("check", HTTP_CHECKS)
def test_a_failed_probe_is_unknown_and_no_probe_is_not_applicable(check) -> None:
    assert (
        check.evaluate(service("http", error="connectivity: ConnectionResetError"), POLICY).verdict is Verdict.UNKNOWN
    )
    assert check.evaluate(bare("ssh", 22), POLICY).verdict is Verdict.NOT_APPLICABLE


def test_cookie_evidence_names_each_missing_flag() -> None:
    bad = CookieFacts("sid", secure=False, http_only=False, same_site=None)
    result = http_insecure_cookies.evaluate(service("http", replace(HARDENED, cookies=(bad,))), POLICY)
    assert result.evidence["cookies"] == {"sid": "missing Secure, HttpOnly, SameSite"}


def test_header_evidence_accepts_either_frame_policy() -> None:
    only_xfo = replace(HARDENED, security_headers=("strict-transport-security", "x-frame-options"))
    result = http_missing_security_headers.evaluate(service("http", only_xfo), POLICY)
    assert result.evidence["missing"] == ["x-content-type-options"]


def test_evidence_never_carries_a_password() -> None:
    for check, facts, _ in CASES:
        assert "password" not in str(check.evaluate(service("http", facts), POLICY).evidence).lower()
