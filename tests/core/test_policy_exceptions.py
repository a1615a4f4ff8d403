"""Given a policy with `exceptions:`, when a scan finds a matching failure, then the finding is accepted until the
exception's expiry with its reason and approver, as `findings accept` would record it; an expired exception, one
for another address or another check accepts nothing."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from muniscan.checks.judge import Judgement
from muniscan.checks.model import failed
from muniscan.lifecycle import apply
from muniscan.store import Store
from muniscan.store.models import Finding, RiskAcceptance, ScanRun
from tests.core.test_lifecycle import POLICY, TELNET, seed


def _scan(store: Store, exceptions: list[dict]) -> tuple[Finding, list[RiskAcceptance]]:
    asset, service = seed(store)
    policy = type(POLICY).model_validate({**POLICY.model_dump(mode="json"), "exceptions": exceptions})
    with store.session() as session:
        scan = ScanRun(policy_name=policy.name, policy_hash="test")
        session.add(scan)
        session.flush()
        apply(session, scan, [Judgement(TELNET, asset, service, failed(port=2323))], policy)
        session.commit()
        (finding,) = session.exec(select(Finding)).all()
        acceptances = list(session.exec(select(RiskAcceptance)).all())
    return finding, acceptances


def _exception(**changes: object) -> dict:
    return {
        "check": TELNET.id,
        "address": "127.77.0.10",
        "reason": "replaced in Q3",
        "approver": "CISO",
        "expires": str(date.today() + timedelta(days=30)),
        **changes,
    }


def test_a_matching_exception_accepts_the_finding_until_it_expires(store: Store) -> None:
    finding, acceptances = _scan(store, [_exception()])
    assert finding.status == "accepted"
    (acceptance,) = acceptances
    assert (acceptance.reason, acceptance.approver) == ("replaced in Q3", "CISO")
    assert acceptance.expires_at.date() == date.today() + timedelta(days=30)


@pytest.mark.parametrize(
    "changes",
    [{"expires": str(date.today() - timedelta(days=1))}, {"address": "127.77.0.99"}, {"check": "ftp_anonymous_login"}],
    ids=["expired", "other-address", "other-check"],
)
def test_a_non_matching_exception_accepts_nothing(store: Store, changes: dict) -> None:
    finding, acceptances = _scan(store, [_exception(**changes)])
    assert finding.status == "open" and acceptances == []
