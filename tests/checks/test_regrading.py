"""Grades live in the checks: a changed grade re-judges a stored scan, no rescan; stamps in old facts are ignored."""

import pytest

from muniscan.checks import tls_grading
from muniscan.checks.tls_grading import SuiteGrade
from muniscan.facts.attempt import Attempt, AttemptStatus
from muniscan.facts.hosts import HostRecord, ServiceRecord
from muniscan.facts.tls import CipherFacts, TlsFacts
from muniscan.judging import evaluate_scan
from muniscan.policies import load_profile
from muniscan.store import Store
from muniscan.store.inventory import record_host
from muniscan.store.models import Observation, ScanRun

POLICY = load_profile()


def stored_scan(store: Store) -> ScanRun:
    """A scan whose TLS service accepted one CBC suite with a SHA-1 MAC on TLS 1.2."""
    facts = TlsFacts(("1.2",), ("1.0", "1.1"), ciphers=(CipherFacts("1.2", "ECDHE-RSA-AES128-SHA"),))
    host = HostRecord(
        "127.77.0.12",
        [ServiceRecord(8443, "https", True, b"", [Attempt("tls", AttemptStatus.COMPLETED, facts)])],
    )
    with store.session() as session:
        scan = ScanRun(policy_name=POLICY.name, policy_hash="test")
        session.add(scan)
        session.flush()
        record_host(session, scan.id, host, "default", {("tcp", 8443)})
        session.commit()
        session.refresh(scan)
        return scan


def weak_cipher_verdict(store: Store, scan: ScanRun) -> str:
    judged = evaluate_scan(store, scan, POLICY, update_findings=False)
    return next(j.result.verdict.value for j in judged if j.check.id == "tls_weak_cipher_offered")


def test_a_grade_change_rejudges_an_old_scan(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    scan = stored_scan(store)
    assert weak_cipher_verdict(store, scan) == "fail"
    relaxed = tuple(
        (pattern, SuiteGrade("acceptable", "cbc-sha1") if grade.reason == "cbc-sha1" else grade)
        for pattern, grade in tls_grading.SUITE_RULES
    )
    monkeypatch.setattr(tls_grading, "SUITE_RULES", relaxed)
    assert weak_cipher_verdict(store, scan) == "pass"


def test_a_grade_stamped_into_old_facts_is_not_trusted(store: Store) -> None:
    scan = stored_scan(store)
    with store.session() as session:
        row = session.exec(Observation.__table__.select().where(Observation.probe == "tls")).one()  # type: ignore[attr-defined]
        stamped = {**row.facts, "ciphers": [{**c, "grade": "strong", "reason": ""} for c in row.facts["ciphers"]]}
        session.exec(Observation.__table__.update().where(Observation.id == row.id).values(facts=stamped))  # type: ignore[attr-defined]
        session.commit()
    assert weak_cipher_verdict(store, scan) == "fail"
