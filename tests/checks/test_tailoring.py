"""Per-device-class tailoring: the class's requirements and check list override the policy's."""

from typing import Any

import pytest

from muniscan.checks.judge import enabled_checks, judge
from muniscan.checks.model import Verdict
from muniscan.checks.registry import load_checks
from muniscan.checks.tailoring import effective_requirements
from muniscan.checks.views import AssetView, ServiceView
from muniscan.facts.attempt import Attempt, AttemptStatus
from muniscan.facts.tls import TlsFacts
from muniscan.policies.schema import Policy

CHECKS = {c.id: c for c in load_checks()}
POLICY = Policy.model_validate(
    {
        "name": "tailored",
        "requirements": {"min_tls_version": "1.2"},
        "device_classes": {
            "legacy-meter": {"addresses": ["10.5.0.0/24"], "requirements": {"min_tls_version": "1.0"}},
            "scada": {"requirements": {"min_tls_version": "1.3"}, "disable_checks": ["telnet_management_plaintext"]},
        },
    }
)


def https(address: str, versions: tuple[str, ...], device_class: str | None = None) -> AssetView:
    attempts: dict[str, Any] = {"tls": Attempt("tls", AttemptStatus.COMPLETED, TlsFacts(versions, ()))}
    service = ServiceView(address, "tcp", 443, "https", True, "", attempts=attempts)
    return AssetView(address, f"ip:lab:{address}", (service,), device_class=device_class)


def test_effective_requirements_override_only_what_the_class_sets() -> None:
    assert effective_requirements(POLICY, None).min_tls_version == "1.2"
    assert effective_requirements(POLICY, "legacy-meter").min_tls_version == "1.0"
    assert effective_requirements(POLICY, "scada").forbidden_plaintext_services == (
        POLICY.requirements.forbidden_plaintext_services
    )
    assert effective_requirements(POLICY, "unknown-class") == POLICY.requirements


@pytest.mark.parametrize(
    ("asset", "expected"),
    [
        (https("10.9.0.1", ("1.1", "1.2")), Verdict.FAIL),  # policy minimum 1.2
        (https("10.5.0.7", ("1.1", "1.2")), Verdict.PASS),  # legacy meters by address: 1.0 allowed
        (https("10.9.0.2", ("1.2", "1.3"), "scada"), Verdict.FAIL),  # SCADA by fingerprint: 1.3 only
        (https("10.9.0.3", ("1.3",), "scada"), Verdict.PASS),
    ],
)
def test_tls_minimum_follows_the_device_class(asset: AssetView, expected: Verdict) -> None:
    [judgement] = judge([asset], [CHECKS["tls_legacy_protocol_offered"]], POLICY)
    assert judgement.result.verdict is expected


def test_a_class_can_switch_a_check_off_and_a_policy_can_list_the_only_checks_to_run() -> None:
    telnet = ServiceView("10.9.0.9", "tcp", 23, "telnet", False, "login:")
    scada = AssetView("10.9.0.9", "ip:lab:10.9.0.9", (telnet,), device_class="scada")
    other = AssetView("10.9.0.8", "ip:lab:10.9.0.8", (telnet,))
    found = judge([scada, other], [CHECKS["telnet_management_plaintext"]], POLICY)
    assert [j.asset.address for j in found] == ["10.9.0.8"]
    only = POLICY.model_copy(update={"checks": POLICY.checks.model_copy(update={"enable": ["mqtt_anonymous_access"]})})
    assert [c.id for c in enabled_checks(tuple(CHECKS.values()), only)] == ["mqtt_anonymous_access"]
