"""Given SNMP facts, the community and version checks judge them as a person would."""

import pytest

from muniscan.checks.catalogue import snmp_default_community, snmp_v1_v2c_enabled
from muniscan.checks.model import Verdict
from muniscan.facts.snmp import SnmpFacts

from .conftest import POLICY, bare_service, service


def snmp(versions: tuple[str, ...], accepted: tuple[str, ...] = ()) -> SnmpFacts:
    return SnmpFacts(versions, accepted, 2, sys_descr="Aquasense WL-3 firmware 4.2" if accepted else "")


CASES = [
    # check, facts, verdict
    (snmp_default_community, snmp(("v2c", "v3"), ("v2c:public",)), Verdict.FAIL),
    (snmp_default_community, snmp(("v1",), ("v1:private",)), Verdict.FAIL),
    (snmp_default_community, snmp(("v3",)), Verdict.PASS),
    (snmp_v1_v2c_enabled, snmp(("v1", "v2c", "v3"), ("v1:public", "v2c:public")), Verdict.FAIL),
    (snmp_v1_v2c_enabled, snmp(("v2c",), ("v2c:public",)), Verdict.FAIL),
    (snmp_v1_v2c_enabled, snmp(("v3",)), Verdict.PASS),
]


@pytest.mark.parametrize(("check", "facts", "verdict"), CASES)
def test_verdict_follows_the_facts(check, facts: SnmpFacts, verdict: Verdict) -> None:
    result = check.evaluate(service("snmp", facts, port=161, transport="udp"), POLICY)
    assert result.verdict is verdict


def test_default_community_evidence_names_the_community_and_the_device() -> None:
    result = snmp_default_community.evaluate(
        service("snmp", snmp(("v2c",), ("v2c:public",)), port=161, transport="udp"), POLICY
    )
    assert result.evidence["accepted"] == ["v2c:public"]
    assert "Aquasense" in result.evidence["sys_descr"]


def test_cleartext_versions_are_listed() -> None:
    result = snmp_v1_v2c_enabled.evaluate(service("snmp", snmp(("v1", "v2c", "v3"), ("v1:public",))), POLICY)
    assert result.evidence["versions"] == ["v1", "v2c"]


@pytest.mark.parametrize("check", [snmp_default_community, snmp_v1_v2c_enabled])
def test_errored_probe_is_unknown_and_other_services_not_applicable(check) -> None:
    assert check.evaluate(service("snmp", error="timeout: no answer in time"), POLICY).verdict is Verdict.UNKNOWN
    assert check.evaluate(bare_service(), POLICY).verdict is Verdict.NOT_APPLICABLE
