"""Fleet and policy checks as tables: given these devices and this policy, then these verdicts."""

from datetime import date, timedelta
from typing import Any

import pytest

from muniscan.checks.judge import judge
from muniscan.checks.model import Verdict
from muniscan.checks.registry import load_checks
from muniscan.checks.views import AssetView, ServiceView
from muniscan.facts.attempt import Attempt, AttemptStatus
from muniscan.facts.ssh import SshFacts
from muniscan.facts.tls import CertificateFacts, TlsFacts
from muniscan.policies.schema import Policy

CHECKS = {c.id: c for c in load_checks()}


def cert(sha: str, spki: str = "") -> CertificateFacts:
    return CertificateFacts("dev", "dev", "2024-01-01", "2034-01-01", True, "rsa", 2048, "sha256", sha, (), spki)


def tls(certificate: CertificateFacts | None) -> dict[str, Attempt[Any]]:
    return {"tls": Attempt("tls", AttemptStatus.COMPLETED, TlsFacts(("1.2",), (), None, certificate))}


def ssh(host_key: str | None) -> dict[str, Attempt[Any]]:
    facts = SshFacts("SSH-2.0-dropbear", "dropbear", (), (), (), (), host_key_sha256=host_key)
    return {"ssh": Attempt("ssh", AttemptStatus.COMPLETED, facts)}


def device(address: str, ports: dict[int, dict[str, Attempt[Any]]] | None = None, **kw: Any) -> AssetView:
    services = tuple(
        ServiceView(address, "udp" if port == 161 else "tcp", port, "x", False, "", attempts=attempts)
        for port, attempts in (ports or {443: {}}).items()
    )
    return AssetView(address, f"ip:lab:{address}", services, **kw)


def verdicts(check_id: str, assets: list[AssetView], policy: Policy) -> dict[str, tuple[Verdict, dict[str, Any]]]:
    return {j.asset.address: (j.result.verdict, j.result.evidence) for j in judge(assets, [CHECKS[check_id]], policy)}


POLICY = Policy(name="test")


@pytest.mark.parametrize(
    ("assets", "expected"),
    [
        # two cameras with one certificate, a third with its own
        (
            [
                device("10.0.0.1", {443: tls(cert("a"))}),
                device("10.0.0.2", {443: tls(cert("a"))}),
                device("10.0.0.3", {443: tls(cert("b"))}),
            ],
            {"10.0.0.1": Verdict.FAIL, "10.0.0.2": Verdict.FAIL, "10.0.0.3": Verdict.PASS},
        ),
        # different certificates over the same public key (SPKI) are still one key
        (
            [device("10.0.0.1", {443: tls(cert("a", "k"))}), device("10.0.0.2", {8443: tls(cert("b", "k"))})],
            {"10.0.0.1": Verdict.FAIL, "10.0.0.2": Verdict.FAIL},
        ),
        # one device presenting its key on two ports shares nothing
        ([device("10.0.0.1", {443: tls(cert("a")), 8443: tls(cert("a"))})], {"10.0.0.1": Verdict.PASS}),
        # no certificate: nothing to judge
        ([device("10.0.0.1", {443: tls(None)}), device("10.0.0.2", {80: {}})], {}),
    ],
)
def test_shared_tls_key_across_devices(assets: list[AssetView], expected: dict[str, Verdict]) -> None:
    found = verdicts("shared_tls_key_across_devices", assets, POLICY)
    assert {a: v for a, (v, _) in found.items()} == expected


def test_shared_tls_key_evidence_names_the_other_devices() -> None:
    assets = [device(f"10.0.0.{n}", {443: tls(cert("a"))}) for n in (1, 2, 3)]
    _, evidence = verdicts("shared_tls_key_across_devices", assets, POLICY)["10.0.0.1"]
    assert evidence["devices_sharing"] == 3 and evidence["other_devices"] == ["10.0.0.2", "10.0.0.3"]


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ({"10.0.0.1": "SHA256:x", "10.0.0.2": "SHA256:x"}, {"10.0.0.1": Verdict.FAIL, "10.0.0.2": Verdict.FAIL}),
        ({"10.0.0.1": "SHA256:x", "10.0.0.2": "SHA256:y"}, {"10.0.0.1": Verdict.PASS, "10.0.0.2": Verdict.PASS}),
        ({"10.0.0.1": None, "10.0.0.2": "SHA256:y"}, {"10.0.0.2": Verdict.PASS}),
    ],
)
def test_shared_ssh_host_key_across_devices(keys: dict[str, str | None], expected: dict[str, Verdict]) -> None:
    assets = [device(address, {22: ssh(key)}) for address, key in keys.items()]
    found = verdicts("shared_ssh_host_key_across_devices", assets, POLICY)
    assert {a: v for a, (v, _) in found.items()} == expected


TODAY = date.today()
FIRMWARE = Policy.model_validate(
    {
        "name": "fw",
        "firmware": [
            {"vendor": "Axis", "model": "P13*", "minimum": "9.80.1", "end_of_support": str(TODAY + timedelta(days=90))},
            {"vendor": "Axis", "model": "M10*", "end_of_support": str(TODAY - timedelta(days=1))},
            {"vendor": "Siemens", "minimum": "4.2"},
        ],
    }
)


@pytest.mark.parametrize(
    ("vendor", "model", "firmware", "expected"),
    [
        ("Axis Communications AB", "P1365", "9.80.3", Verdict.PASS),
        ("Axis Communications AB", "P1365", "9.40.1", Verdict.FAIL),  # below the minimum
        ("Axis Communications AB", "P1365", "10.2build7", Verdict.PASS),
        ("Axis Communications AB", "M1065", "9.99", Verdict.FAIL),  # model past end of support
        ("Axis Communications AB", "P1365", None, Verdict.UNKNOWN),  # version not fingerprinted
        ("Siemens AG", "PXC4", "V4.10.2", Verdict.PASS),
        ("Siemens AG", "PXC4", "V3.9", Verdict.FAIL),
        ("Hikvision", "DS-2CD", "5.5.0", Verdict.NOT_APPLICABLE),  # no rule for the vendor
        (None, None, "1.0", Verdict.NOT_APPLICABLE),
    ],
)
def test_firmware_end_of_support(
    vendor: str | None, model: str | None, firmware: str | None, expected: Verdict
) -> None:
    asset = device("10.0.0.1", vendor=vendor, model=model, firmware=firmware)
    assert verdicts("firmware_end_of_support", [asset], FIRMWARE)["10.0.0.1"][0] is expected


ZONES = Policy.model_validate(
    {
        "name": "zones",
        "segmentation": {
            "zones": {"office": ["10.1.0.0/16"], "lighting": ["10.20.0.0/16"], "scada": ["10.30.0.0/16"]},
            "vantage_points": {"office-scanner": "office", "scada-scanner": "scada"},
            "reachable": {"scada": ["lighting"]},
        },
    }
)


@pytest.mark.parametrize(
    ("site", "address", "expected"),
    [
        ("office-scanner", "10.20.0.5", Verdict.FAIL),  # the office reaches street lights
        ("scada-scanner", "10.20.0.5", Verdict.PASS),  # the SCADA zone may
        ("office-scanner", "10.1.0.9", Verdict.PASS),  # same zone
        ("office-scanner", "192.168.1.1", Verdict.NOT_APPLICABLE),  # in no zone
        ("lighting", "10.20.0.5", Verdict.PASS),  # a site named like a zone sits in it
        ("guest-wifi", "10.20.0.5", Verdict.UNKNOWN),  # vantage point not placed
    ],
)
def test_segmentation_zone_reachable(site: str, address: str, expected: Verdict) -> None:
    found = verdicts("segmentation_zone_reachable", [device(address, site=site)], ZONES)
    assert found[address][0] is expected


def test_segmentation_is_not_judged_without_zones() -> None:
    assert verdicts("segmentation_zone_reachable", [device("10.20.0.5", site="x")], POLICY)["10.20.0.5"][0] is (
        Verdict.NOT_APPLICABLE
    )


PORTS = Policy.model_validate(
    {
        "name": "ports",
        "device_classes": {
            "street-light": {"addresses": ["10.20.0.0/16"], "allowed_ports": [443, "udp/161", "tcp/8000-8010"]},
            "camera": {"description": "no declared list"},
        },
    }
)


@pytest.mark.parametrize(
    ("address", "ports", "device_class", "expected", "unexpected"),
    [
        ("10.20.0.5", [443, 161], None, Verdict.PASS, None),
        ("10.20.0.5", [443, 23, 8005], None, Verdict.FAIL, ["tcp/23"]),
        ("10.9.0.5", [443, 23], "street-light", Verdict.FAIL, ["tcp/23"]),  # class from fingerprinting
        ("10.9.0.5", [23], "camera", Verdict.NOT_APPLICABLE, None),  # class declares no list
        ("10.9.0.5", [23], None, Verdict.NOT_APPLICABLE, None),  # no class at all
    ],
)
def test_unexpected_open_ports(
    address: str, ports: list[int], device_class: str | None, expected: Verdict, unexpected: list[str] | None
) -> None:
    asset = device(address, {port: {} for port in ports}, device_class=device_class)
    verdict, evidence = verdicts("unexpected_open_ports", [asset], PORTS)[address]
    assert verdict is expected
    if unexpected:
        assert evidence["unexpected"] == unexpected
