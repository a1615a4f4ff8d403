"""Given mDNS facts, a device that lists services to a unicast query is an informational finding."""

import pytest

from muniscan.checks.catalogue import mdns_service_advertisement as check
from muniscan.checks.model import Verdict
from muniscan.facts.mdns import MdnsFacts, MdnsService
from muniscan.policies.schema import Severity

from .conftest import POLICY, bare_service, service

DISPLAY = MdnsService("_http._tcp", "Lobby display", "display-01", 80, ("model=LD-55", "fw=3.2.1", "path=/"))
PRINTER = MdnsService("_ipp._tcp", "Printer", "display-01", 631, ("ty=Printwell P9",))
BARE = MdnsService("_ssh._tcp", "gw", "", None, ())

CASES = [
    # facts, verdict, revealing TXT entries
    (
        MdnsFacts(("_http._tcp", "_ipp._tcp"), (DISPLAY, PRINTER)),
        Verdict.FAIL,
        ["fw=3.2.1", "model=LD-55", "ty=Printwell P9"],
    ),
    (MdnsFacts(("_ssh._tcp",), (BARE,)), Verdict.FAIL, []),
    (MdnsFacts(("_ssh._tcp",), ()), Verdict.FAIL, []),
    (MdnsFacts((), ()), Verdict.PASS, None),
]


@pytest.mark.parametrize(("facts", "verdict", "revealing"), CASES)
def test_verdict_and_revealing_txt(facts: MdnsFacts, verdict: Verdict, revealing: list[str] | None) -> None:
    result = check.evaluate(service("mdns", facts, port=5353, transport="udp"), POLICY)
    assert result.verdict is verdict
    assert result.evidence.get("txt_revealing") == revealing


def test_evidence_names_service_types_and_host_names_once() -> None:
    result = check.evaluate(service("mdns", CASES[0][0], port=5353, transport="udp"), POLICY)
    assert result.evidence["service_types"] == ["_http._tcp", "_ipp._tcp"]
    assert result.evidence["host_names"] == ["display-01"]


def test_it_is_informational_only() -> None:
    assert check.METADATA.severity is Severity.INFO


def test_errored_probe_is_unknown_and_other_services_not_applicable() -> None:
    assert check.evaluate(service("mdns", error="timeout: no answer in time"), POLICY).verdict is Verdict.UNKNOWN
    assert check.evaluate(bare_service(), POLICY).verdict is Verdict.NOT_APPLICABLE
