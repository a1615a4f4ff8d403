"""The three flow checks as fact tables: given a device's flows and a policy, then this verdict."""

import json

import pytest

from muniscan.checks.catalogue import credentials_cleartext_transit as credentials
from muniscan.checks.catalogue import personal_data_cleartext_transit as personal
from muniscan.checks.catalogue import recipient_not_allowed as recipient
from muniscan.checks.model import Verdict
from muniscan.checks.views import AssetView
from muniscan.facts.attempt import Attempt, AttemptStatus
from muniscan.facts.codec import to_json
from muniscan.facts.flows import DATAFLOW, DataFlowFacts, FlowFact, PersonalDataSeen
from muniscan.facts.registry import attempt_from_row
from muniscan.policies.schema import Policy, Privacy

PNR = PersonalDataSeen("SE_PERSONNUMMER", 4, ("19******-**84",), ("h1",))
MAC = PersonalDataSeen("MAC_ADDRESS", 2, ("d0:50:99:**:**:**",), ("h2",))


def flow(dest: str = "10.0.0.2", port: int = 1883, encrypted: bool = False, data=(PNR,), logins=(), name=None):
    return FlowFact("10.0.0.9", dest, "tcp", port, "mqtt", encrypted, name, 10, 900, tuple(data), tuple(logins))


def device(*flows: FlowFact, status: AttemptStatus = AttemptStatus.COMPLETED) -> AssetView:
    """A device whose dataflow facts made the round trip through the store's JSON."""
    stored = to_json(DataFlowFacts("pcap", flows)) if status is AttemptStatus.COMPLETED else {}
    attempt = attempt_from_row(DATAFLOW, status.value, "capture unreadable" if stored == {} else None, stored)
    return AssetView("10.0.0.9", "ip:default:10.0.0.9", (), attempts={DATAFLOW: attempt})


PLAIN = Policy(name="flows")
LISTED = Policy(name="flows", privacy=Privacy(allowed_recipients=["10.0.0.2", "*.city.example"]))
COUNTRIES = Policy(
    name="flows", privacy=Privacy(recipient_countries={"us": ["198.51.100.0/24"], "se": ["192.0.2.0/24"]})
)

CASES = [
    # check, device, policy, verdict
    (personal, device(flow()), PLAIN, Verdict.FAIL),
    (personal, device(flow(encrypted=True)), PLAIN, Verdict.PASS),
    (personal, device(flow(data=())), PLAIN, Verdict.PASS),
    (personal, AssetView("10.0.0.9", "ip:x", ()), PLAIN, Verdict.NOT_APPLICABLE),
    (personal, device(status=AttemptStatus.ERROR), PLAIN, Verdict.UNKNOWN),
    (credentials, device(flow(data=(), logins=("telnet login",))), PLAIN, Verdict.FAIL),
    (credentials, device(flow(encrypted=True, logins=("mqtt CONNECT password",))), PLAIN, Verdict.PASS),
    (credentials, device(flow()), PLAIN, Verdict.PASS),
    (recipient, device(flow()), PLAIN, Verdict.PASS),  # private address, no list: internal
    (recipient, device(flow(dest="203.0.113.5")), PLAIN, Verdict.FAIL),  # public, not listed
    (recipient, device(flow(dest="203.0.113.5", data=())), PLAIN, Verdict.PASS),  # no personal data
    (recipient, device(flow()), LISTED, Verdict.PASS),
    (recipient, device(flow(dest="10.0.0.3")), LISTED, Verdict.FAIL),
    (recipient, device(flow(dest="203.0.113.5", name="ingest.city.example")), LISTED, Verdict.PASS),
    (recipient, device(flow(dest="198.51.100.7")), COUNTRIES, Verdict.FAIL),  # outside the EU/EEA
    (recipient, device(flow(dest="192.0.2.7")), COUNTRIES, Verdict.FAIL),  # in Sweden, but a public address not listed
    (recipient, device(flow(dest="10.1.1.1")), COUNTRIES, Verdict.PASS),
]  # fmt: skip


@pytest.mark.parametrize(("check", "asset", "policy", "verdict"), CASES)
def test_verdict(check, asset: AssetView, policy: Policy, verdict: Verdict) -> None:
    assert check.evaluate(asset, policy).verdict is verdict


def test_evidence_has_categories_counts_and_masked_samples_only() -> None:
    result = personal.evaluate(device(flow(data=(PNR, MAC)), flow(dest="10.0.0.3", data=(MAC,))), PLAIN)
    assert result.evidence["categories"] == {"MAC_ADDRESS": 4, "SE_PERSONNUMMER": 4}
    assert result.evidence["flows"][0]["masked_samples"]["SE_PERSONNUMMER"] == ["19******-**84"]
    assert "h1" not in json.dumps(result.evidence)  # keyed hashes stay in the store, not in findings


def test_recipient_outside_the_eea_says_which_country() -> None:
    result = recipient.evaluate(device(flow(dest="198.51.100.7")), COUNTRIES)
    assert "US" in result.evidence["recipients"][0]["reason"]


def test_an_attempt_built_in_memory_is_judged_the_same() -> None:
    asset = AssetView("10.0.0.9", "x", (), attempts={DATAFLOW: Attempt(DATAFLOW, AttemptStatus.COMPLETED,
                                                                       DataFlowFacts("pcap", (flow(),)))})  # fmt: skip
    assert personal.evaluate(asset, PLAIN).verdict is Verdict.FAIL
