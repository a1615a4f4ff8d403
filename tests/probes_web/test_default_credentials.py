"""Given lab devices with and without default passwords, the intrusive credential probes behave as promised:
auth is proven first, one attempt per pair, stop at the first success, and no password in the facts."""

import asyncio
import warnings
from pathlib import Path

import pytest

from muniscan.facts.attempt import AttemptStatus
from muniscan.facts.codec import to_json
from muniscan.scanner.probes import brute_force, default_credentials
from muniscan.scanner.probes.base import ServiceTarget
from tests.lab_device import running

from .conftest import lab_address, lab_policy, run_probe

ADDRESS = lab_address()
CASES = [
    # kind, port, config, name, accepted account, stopped, logins the device saw (user, success)
    ("telnet", 2323, {"accounts": {"admin": "admin"}}, "telnet", "admin", "accepted", 2),
    ("ssh", 2222, {"accounts": {"pi": "raspberry"}}, "ssh", "pi", "accepted", 4),
    ("ssh", 2222, {"accounts": {"ops": "K0mmun-SSH!"}}, "ssh", None, "exhausted", 6),
    ("ftp", 2121, {"accounts": {"ftp": "ftp"}}, "ftp", "ftp", "accepted", 3),
    ("ftp", 2121, {"banner": "Parkera PG-10 FTP", "accounts": {"parkera": "parkera"}}, "ftp", "parkera", "accepted", 2),
    ("http", 8080, {"accounts": {"admin": "password"}}, "http", "admin", "accepted", 2),
    ("http", 8080, {"auth": "form", "accounts": {"admin": "1234"}}, "http", "admin", "accepted", 4),
    ("https", 8443, {"auth": "form", "accounts": {"admin": "Fl0d-Adm!n"}}, "https", None, "exhausted", 6),
    ("http", 8080, {"auth": "none"}, "http", None, "no login found", 0),
    ("mqtt", 1883, {"accounts": {"guest": "guest"}}, "mqtt", "guest", "accepted", None),
    ("mqtt", 1883, {"anonymous": True}, "mqtt", None, "no login required", None),
]  # fmt: skip


def run(tmp_path: Path, kind: str, port: int, config: dict, name: str, probe=default_credentials, **policy):
    async def scenario():
        async with running(tmp_path, kind, ADDRESS, port, config) as lab:
            banner = config.get("banner", "").encode()
            target = ServiceTarget(ADDRESS, port, tls=kind == "https", name=name, banner=banner)
            result = await run_probe(probe.PROBE, target, lab_policy(ADDRESS, intrusive=True, **policy))
            return result, lab.log()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return asyncio.run(scenario())


@pytest.mark.parametrize(("kind", "port", "config", "name", "account", "stopped", "logins"), CASES)
def test_default_credentials(tmp_path: Path, kind, port, config, name, account, stopped, logins) -> None:
    result, log = run(tmp_path, kind, port, config, name)
    assert result.status is AttemptStatus.COMPLETED, result.reason
    assert (result.facts.accepted_account, result.facts.stopped) == (account, stopped)
    seen = [r for r in log if r["event"] == "login"]
    if logins is not None:
        assert len(seen) == logins  # the proof (unless a Basic challenge proved it) plus one per pair tried
        assert len({r["user"] for r in seen if r["user"] != "anonymous"}) >= 1 or logins == 0
    if account:
        assert seen[-1]["success"] is True and seen[-1]["user"] == account  # and nothing after the success
    stored = str(to_json(result.facts))
    assert "password" not in stored
    for user, secret in config.get("accounts", {}).items():
        assert secret == user or secret not in stored


def test_vendor_entries_come_before_generic_ones(tmp_path: Path) -> None:
    result, _ = run(tmp_path, "ftp", 2121, {"banner": "Parkera PG-10 FTP", "accounts": {"parkera": "parkera"}}, "ftp")
    assert result.facts.matched_entries == ("parkera-ftp", "generic-ftp")
    assert result.facts.attempts == 1


def test_the_policy_limits_the_pairs_tried(tmp_path: Path) -> None:
    result, log = run(tmp_path, "ftp", 2121, {"accounts": {"ops": "x"}}, "ftp", credential_pairs_limit=2)
    assert (result.facts.attempts, result.facts.stopped) == (2, "exhausted")
    assert len([r for r in log if r["event"] == "login"]) == 3


def test_a_service_accepting_any_password_is_not_a_default_credential(tmp_path: Path) -> None:
    result, _ = run(tmp_path, "mqtt", 1883, {"anonymous": True}, "mqtt")
    assert result.facts.auth_required is False and result.facts.attempts == 0


def test_the_default_policy_never_runs_the_intrusive_probes() -> None:
    from muniscan.policies.schema import Policy
    from muniscan.scanner.probes import permitted_probes

    names = {p.name for p in permitted_probes(Policy(name="default"))}
    assert {"default_credentials", "brute_force"}.isdisjoint(names)


BRUTE_CASES = [
    # kind, port, config, name, protected
    ("http", 8080, {"accounts": {"admin": "S3cret!"}, "lockout_after": 3}, "http", True),
    ("http", 8080, {"accounts": {"admin": "S3cret!"}}, "http", False),
    ("http", 8080, {"auth": "form", "accounts": {"admin": "S3cret!"}, "lockout_after": 4}, "http", True),
    ("ssh", 2222, {"accounts": {"admin": "S3cret!"}, "lockout_after": 3}, "ssh", True),
    ("ssh", 2222, {"accounts": {"admin": "S3cret!"}}, "ssh", False),
    ("ftp", 2121, {"accounts": {"admin": "S3cret!"}, "lockout_after": 3}, "ftp", True),
    ("ftp", 2121, {"accounts": {"admin": "S3cret!"}}, "ftp", False),
    ("telnet", 2323, {"accounts": {"admin": "S3cret!"}, "lockout_after": 2}, "telnet", True),
]


@pytest.mark.parametrize(("kind", "port", "config", "name", "protected"), BRUTE_CASES)
def test_brute_force_protection(tmp_path: Path, kind, port, config, name, protected) -> None:
    result, log = run(tmp_path, kind, port, config, name, probe=brute_force, brute_force_attempts=5)
    assert result.status is AttemptStatus.COMPLETED, result.reason
    assert result.facts.protected is protected, result.facts
    assert result.facts.attempts == (config.get("lockout_after", 0) + 1 if protected else 5)
    assert not any(r.get("success") for r in log if r["event"] == "login")


GONE_LOGIN = {"auth": "form", "accounts": {"admin": "S3cret!"}, "login_action": "/cgi-bin/login.cgi"}


def test_a_login_form_whose_action_is_missing_has_nothing_to_protect(tmp_path: Path) -> None:
    """The page shows a login form, but its action answers 404: no brute-force finding, no default password."""
    from muniscan.checks.catalogue import brute_force_protection_missing as check
    from muniscan.checks.model import Verdict
    from muniscan.checks.views import ServiceView

    result, log = run(tmp_path, "http", 8080, GONE_LOGIN, "http", probe=brute_force, brute_force_attempts=5)
    assert result.status is AttemptStatus.COMPLETED, result.reason
    facts = result.facts
    assert (facts.login_found, facts.attempts, facts.endpoint) == (False, 1, "POST /cgi-bin/login.cgi (form)")
    assert [r["line"] for r in log if r["event"] == "request"][-1] == "POST /cgi-bin/login.cgi"  # one try, then stop
    view = ServiceView(ADDRESS, "tcp", 8080, "http", False, "", attempts={"brute_force": result})
    assert check.evaluate(view, lab_policy(ADDRESS, intrusive=True)).verdict is Verdict.NOT_APPLICABLE

    result, _ = run(tmp_path, "http", 8080, GONE_LOGIN, "http")
    assert (result.facts.accepted_account, result.facts.stopped) == (None, "no login here")


def test_a_working_form_without_lockout_is_still_a_finding(tmp_path: Path) -> None:
    from muniscan.checks.catalogue import brute_force_protection_missing as check
    from muniscan.checks.model import Verdict
    from muniscan.checks.views import ServiceView

    config = {"auth": "form", "accounts": {"admin": "S3cret!"}}
    result, _ = run(tmp_path, "http", 8080, config, "http", probe=brute_force, brute_force_attempts=5)
    view = ServiceView(ADDRESS, "tcp", 8080, "http", False, "", attempts={"brute_force": result})
    verdict = check.evaluate(view, lab_policy(ADDRESS, intrusive=True, brute_force_attempts=5))
    assert verdict.verdict is Verdict.FAIL and verdict.evidence["login_endpoint"] == "POST /login (form)"
