"""Given BACnet facts, any device that answers a stranger's Who-Is or ReadProperty is a finding."""

import pytest

from muniscan.checks.catalogue import bacnet_unauthenticated_access as check
from muniscan.checks.model import Verdict
from muniscan.facts.bacnet import BacnetFacts, BacnetProperty

from .conftest import POLICY, bare_service, service

NAME = BacnetProperty("objectName", True, "AHU-RH-03")
VENDOR = BacnetProperty("vendorName", True, "Klimatix")
MODEL = BacnetProperty("modelName", True, "KX-AHU 40")
FIRMWARE = BacnetProperty("firmwareRevision", True, "4.2.1")
DENIED = BacnetProperty("objectName", False, error="security: read-access-denied")
UNKNOWN_PROPERTY = BacnetProperty("location", False, error="property: unknown-property")

CASES = [
    # facts, verdict, readable, identity
    (BacnetFacts(True, 2101, 999, (NAME, VENDOR, MODEL, FIRMWARE)), Verdict.FAIL, 4, "Klimatix KX-AHU 40 4.2.1"),
    (BacnetFacts(True, 2101, 999, (VENDOR, UNKNOWN_PROPERTY)), Verdict.FAIL, 1, "Klimatix"),
    (BacnetFacts(False, 4194303, None, (NAME,)), Verdict.FAIL, 1, "not disclosed"),
    (BacnetFacts(True, 2101, 999, (DENIED,)), Verdict.FAIL, 0, "not disclosed"),  # the I-Am alone tells
    (BacnetFacts(False, 4194303, None, (DENIED, UNKNOWN_PROPERTY)), Verdict.PASS, 0, None),
]


@pytest.mark.parametrize(("facts", "verdict", "readable", "identity"), CASES)
def test_verdict_readable_properties_and_identity(
    facts: BacnetFacts, verdict: Verdict, readable: int, identity: str | None
) -> None:
    result = check.evaluate(service("bacnet", facts, port=47808, transport="udp"), POLICY)
    assert result.verdict is verdict
    assert len(result.evidence.get("readable", [])) == readable
    assert result.evidence.get("identity") == identity


def test_passing_evidence_says_why_each_read_was_refused() -> None:
    result = check.evaluate(service("bacnet", CASES[-1][0], port=47808, transport="udp"), POLICY)
    assert result.evidence["refused"] == [
        "objectName: security: read-access-denied",
        "location: property: unknown-property",
    ]


def test_errored_probe_is_unknown_and_other_services_not_applicable() -> None:
    assert check.evaluate(service("bacnet", error="timeout: no answer in time"), POLICY).verdict is Verdict.UNKNOWN
    assert check.evaluate(bare_service(), POLICY).verdict is Verdict.NOT_APPLICABLE
