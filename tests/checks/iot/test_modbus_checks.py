"""Given Modbus facts, any Modbus answer to an unauthenticated client is a finding."""

import pytest

from muniscan.checks.catalogue import modbus_unauthenticated_access as check
from muniscan.checks.model import Verdict
from muniscan.facts.modbus import ModbusFacts

from .conftest import POLICY, bare_service, service

IDENTIFIED = ModbusFacts(True, None, "Fjärrvärme AB", "DHC-200", "3.1.4", "", "DHC 200 controller", "DHC-200")
CASES = [
    (IDENTIFIED, Verdict.FAIL, "Fjärrvärme AB DHC-200 3.1.4"),
    (ModbusFacts(True, exception_code=1), Verdict.FAIL, "not disclosed"),
    (ModbusFacts(False), Verdict.PASS, None),
]


@pytest.mark.parametrize(("facts", "verdict", "identity"), CASES)
def test_any_modbus_answer_fails(facts: ModbusFacts, verdict: Verdict, identity: str | None) -> None:
    result = check.evaluate(service("modbus", facts, port=502), POLICY)
    assert result.verdict is verdict
    assert result.evidence.get("identity") == identity


def test_errored_probe_is_unknown_and_other_services_not_applicable() -> None:
    assert check.evaluate(service("modbus", error="timeout: no answer in time"), POLICY).verdict is Verdict.UNKNOWN
    assert check.evaluate(bare_service(), POLICY).verdict is Verdict.NOT_APPLICABLE
