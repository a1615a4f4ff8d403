"""Given CoAP facts, the check fails only when a resource answered a plain GET with content."""

import pytest

from muniscan.checks.catalogue import coap_resources_unauthenticated as check
from muniscan.checks.model import Verdict
from muniscan.facts.coap import CoapFacts, CoapResource

from .conftest import POLICY, bare_service, service

LEVEL = CoapResource("/water/level", "2.05 Content", True, 50, 17)
LOCKED = CoapResource("/water/level", "4.01 Unauthorized", False, None, 0)
BIN = CoapResource("/bins/a4:5e:60:**:**:**/fill", "2.05 Content", True, 0, 2)

CASES = [
    (CoapFacts("2.05 Content", 2, (LEVEL, BIN)), Verdict.FAIL, 2),
    (CoapFacts("2.05 Content", 2, (LOCKED, BIN)), Verdict.FAIL, 1),
    (CoapFacts("2.05 Content", 1, (LOCKED,)), Verdict.PASS, 0),
    (CoapFacts("4.01 Unauthorized", 0, ()), Verdict.PASS, 0),
]


@pytest.mark.parametrize(("facts", "verdict", "readable"), CASES)
def test_verdict_and_count_of_readable_resources(facts: CoapFacts, verdict: Verdict, readable: int) -> None:
    result = check.evaluate(service("coap", facts, port=5683, transport="udp"), POLICY)
    assert result.verdict is verdict
    assert result.evidence.get("readable", 0) == readable


def test_evidence_shows_masked_paths_not_values() -> None:
    result = check.evaluate(service("coap", CASES[0][0], port=5683, transport="udp"), POLICY)
    assert result.evidence["sample_paths"] == ["/water/level", "/bins/a4:5e:60:**:**:**/fill"]


def test_errored_probe_is_unknown_and_other_services_not_applicable() -> None:
    assert check.evaluate(service("coap", error="protocol: not a CoAP message"), POLICY).verdict is Verdict.UNKNOWN
    assert check.evaluate(bare_service(), POLICY).verdict is Verdict.NOT_APPLICABLE
