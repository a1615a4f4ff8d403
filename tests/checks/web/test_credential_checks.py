"""Given the intrusive probes' facts, the default-credential and brute-force checks judge them."""

import pytest

from muniscan.checks.catalogue import brute_force_protection_missing, default_credentials_accepted
from muniscan.checks.model import Verdict
from muniscan.facts.brute_force import BruteForceFacts
from muniscan.facts.default_credentials import DefaultCredentialsFacts
from muniscan.policies.schema import Intrusiveness

from .conftest import POLICY, bare, service


def creds(account: str | None, stopped: str, attempts: int = 3, required: bool | None = True):
    return DefaultCredentialsFacts("telnet", required, attempts, account, ("generic-telnet",), stopped)


DEFAULT_CASES = [
    (creds("admin", "accepted", 1), Verdict.FAIL),
    (creds(None, "exhausted", 6), Verdict.PASS),
    (creds(None, "no login required", 0, required=False), Verdict.NOT_APPLICABLE),
    (creds(None, "no login found", 0, required=None), Verdict.NOT_APPLICABLE),
    (creds(None, "throttled", 2), Verdict.UNKNOWN),
]


@pytest.mark.parametrize(("facts", "verdict"), DEFAULT_CASES)
def test_default_credentials_accepted(facts: DefaultCredentialsFacts, verdict: Verdict) -> None:
    assert (
        default_credentials_accepted.evaluate(service("default_credentials", facts, port=23), POLICY).verdict is verdict
    )


def test_default_credentials_evidence_names_the_account_and_never_a_password() -> None:
    result = default_credentials_accepted.evaluate(
        service("default_credentials", creds("admin", "accepted", 1)), POLICY
    )
    assert result.evidence["account"] == "admin" and result.evidence["service"] == "telnet"
    assert not any("password" in key for key in result.evidence)


def brute(attempts: int, protected: bool, signals: tuple[str, ...] = (), found: bool = True) -> BruteForceFacts:
    return BruteForceFacts("http", attempts, protected, signals, 0.02, 0.02, login_found=found)


BRUTE_CASES = [
    (brute(8, False), Verdict.FAIL),
    (brute(4, True, ("lockout or rate limit after 4 wrong logins",)), Verdict.PASS),
    (brute(8, True, ("answers slowed from 0.0s to 2.1s",)), Verdict.PASS),
    (brute(1, False, ("a random password was accepted at attempt 1: no password check",)), Verdict.NOT_APPLICABLE),
    (brute(0, False, found=False), Verdict.NOT_APPLICABLE),
    (brute(3, False), Verdict.UNKNOWN),
]


@pytest.mark.parametrize(("facts", "verdict"), BRUTE_CASES)
def test_brute_force_protection_missing(facts: BruteForceFacts, verdict: Verdict) -> None:
    assert brute_force_protection_missing.evaluate(service("brute_force", facts, port=80), POLICY).verdict is verdict


@pytest.mark.parametrize("check", [default_credentials_accepted, brute_force_protection_missing])
def test_intrusive_checks_say_so_and_handle_missing_evidence(check) -> None:
    probe = check.METADATA.requires[0]
    assert check.METADATA.intrusiveness is Intrusiveness.INTRUSIVE
    assert (
        check.evaluate(service(probe, error="connectivity: ConnectionRefusedError"), POLICY).verdict is Verdict.UNKNOWN
    )
    assert check.evaluate(bare("telnet", 23), POLICY).verdict is Verdict.NOT_APPLICABLE
