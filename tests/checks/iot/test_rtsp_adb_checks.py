"""Given RTSP and ADB facts, the camera and debug-service checks judge them as a person would."""

import pytest

from muniscan.checks.catalogue import debug_service_exposed, rtsp_stream_without_auth
from muniscan.checks.model import Verdict
from muniscan.facts.adb import AdbFacts
from muniscan.facts.rtsp import RtspAnswer, RtspFacts

from .conftest import POLICY, bare_service, service

SERVER = "Kameravakt KV-4 RTSP/5.1"
METHODS = ("OPTIONS", "DESCRIBE")
OPEN = RtspFacts(SERVER, METHODS, (RtspAnswer("/", 404), RtspAnswer("/stream1", 200)), (), "/stream1")
DIGEST = RtspFacts(SERVER, METHODS, (RtspAnswer("/", 404), RtspAnswer("/stream1", 401)), ("Digest",), None)
NO_PATH = RtspFacts(SERVER, METHODS, tuple(RtspAnswer(p, 404) for p in ("/", "/live")), (), None)

CASES = [
    (rtsp_stream_without_auth, "rtsp", OPEN, Verdict.FAIL),
    (rtsp_stream_without_auth, "rtsp", DIGEST, Verdict.PASS),
    (rtsp_stream_without_auth, "rtsp", NO_PATH, Verdict.UNKNOWN),
    (debug_service_exposed, "adb", AdbFacts(False, True, "BinSense-2", "binsense", "bin-17"), Verdict.FAIL),
    (debug_service_exposed, "adb", AdbFacts(True, False), Verdict.FAIL),
]


@pytest.mark.parametrize(("check", "probe", "facts", "verdict"), CASES)
def test_verdict_follows_the_facts(check, probe: str, facts, verdict: Verdict) -> None:
    assert check.evaluate(service(probe, facts), POLICY).verdict is verdict


def test_open_stream_evidence_names_the_path() -> None:
    result = rtsp_stream_without_auth.evaluate(service("rtsp", OPEN, port=554), POLICY)
    assert result.evidence == {"port": 554, "path": "/stream1", "server": SERVER}


def test_keyed_adb_is_a_finding_with_lower_confidence_than_an_open_one() -> None:
    keyed = debug_service_exposed.evaluate(service("adb", AdbFacts(True, False), port=5555), POLICY)
    open_ = debug_service_exposed.evaluate(service("adb", AdbFacts(False, True, "X"), port=5555), POLICY)
    assert keyed.confidence < open_.confidence
    assert keyed.evidence["authentication"] == "RSA key required"


@pytest.mark.parametrize(("check", "probe"), [(rtsp_stream_without_auth, "rtsp"), (debug_service_exposed, "adb")])
def test_errored_probe_is_unknown_and_other_services_not_applicable(check, probe: str) -> None:
    assert check.evaluate(service(probe, error="timeout: no answer in time"), POLICY).verdict is Verdict.UNKNOWN
    assert check.evaluate(bare_service(), POLICY).verdict is Verdict.NOT_APPLICABLE
