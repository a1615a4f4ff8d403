"""Given UPnP facts, an answering SSDP service is a finding whose evidence says what it gives away."""

from muniscan.checks.catalogue import upnp_ssdp_exposed as check
from muniscan.checks.model import Verdict
from muniscan.facts.upnp import UpnpFacts

from .conftest import POLICY, bare_service, service

IGD = "urn:schemas-upnp-org:service:WANIPConnection:1"
DESCRIBED = UpnpFacts("Linux UPnP/1.0 Trafikdata/2.0", "upnp:rootdevice", 49152, True, "Trafikdata", "TD-Cam 3",
                      "2.0", "SN-0042", "Camera", "urn:schemas-upnp-org:device:Basic:1", (IGD,))  # fmt: skip
BARE = UpnpFacts("miniupnpd/2.3", "upnp:rootdevice", None, False)


def test_described_device_fails_and_says_what_it_discloses() -> None:
    result = check.evaluate(service("upnp", DESCRIBED, port=1900, transport="udp"), POLICY)
    assert result.verdict is Verdict.FAIL
    assert result.evidence["discloses"] == ["manufacturer", "model_name", "serial"]
    assert result.evidence["port_mapping"] is True and result.evidence["device"] == "Trafikdata TD-Cam 3"


def test_answer_without_description_still_fails() -> None:
    result = check.evaluate(service("upnp", BARE, port=1900, transport="udp"), POLICY)
    assert result.verdict is Verdict.FAIL and result.evidence["discloses"] == []


def test_errored_probe_is_unknown_and_other_services_not_applicable() -> None:
    assert check.evaluate(service("upnp", error="protocol: not an SSDP answer"), POLICY).verdict is Verdict.UNKNOWN
    assert check.evaluate(bare_service(), POLICY).verdict is Verdict.NOT_APPLICABLE
