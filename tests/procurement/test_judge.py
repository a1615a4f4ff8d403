"""Requirements judged from check verdicts and a declaration, as a table of cases (no network)."""

from datetime import date
from pathlib import Path

import pytest

from muniscan.procurement.absence import Coverage
from muniscan.procurement.judge import judge, overall
from muniscan.procurement.model import Declaration, ProcurementRequirement, load_declaration, load_requirements
from muniscan.yamlfile import YamlFileError

TEMPLATES = Path(__file__).parents[2] / "policies" / "procurement"
DECLARATION = Declaration(
    vendor="V", product="P", model="M", firmware="1", declared_by="A", declared_on=date(2025, 1, 1),
    support={"period_years": 3}, data_processing={"locations": ["SE", "US"]}, sbom={"provided": True},
)  # fmt: skip


def requirement(**fields: object) -> ProcurementRequirement:
    return ProcurementRequirement.model_validate({"id": "R-01", "title": "A requirement title", **fields})


CASES = [
    ({"checks": ["telnet_management_plaintext"]}, {"telnet_management_plaintext": [{"verdict": "fail"}]}, "fail"),
    ({"checks": ["telnet_management_plaintext"]}, {"telnet_management_plaintext": [{"verdict": "pass"}]}, "pass"),
    ({"checks": ["brute_force_protection_missing"]}, {}, "not_assessed"),
    ({"declaration": [{"field": "sbom.provided", "equals": True}]}, {}, "pass"),
    ({"declaration": [{"field": "support.period_years", "at_least": 5}]}, {}, "fail"),
    ({"declaration": [{"field": "data_processing.locations", "subset_of": ["SE", "EU", "EEA"]}]}, {}, "fail"),
    ({"declaration": [{"field": "vulnerability_disclosure.contact", "present": True}]}, {}, "fail"),
    (
        {"level": "recommended", "declaration": [{"field": "vulnerability_disclosure.contact", "present": True}]},
        {},
        "conditional",
    ),
    ({"declaration": [{"field": "sbom.provided", "equals": True}], "condition": "in the contract"}, {}, "conditional"),
    (
        {"checks": ["brute_force_protection_missing"], "declaration": [{"field": "sbom.provided", "equals": True}]},
        {},
        "conditional",
    ),
]


@pytest.mark.parametrize(("fields", "verdicts", "expected"), CASES)
def test_requirement_verdicts(fields: dict, verdicts: dict, expected: str) -> None:
    result = judge(requirement(**fields), DECLARATION, verdicts)
    assert result["verdict"] == expected
    assert result["evidence"]
    assert (result["condition"] != "") == (expected == "conditional")  # a conditional verdict names its condition


PLAINTEXT = {"checks": ["telnet_management_plaintext", "mqtt_plaintext_transport", "snmp_v1_v2c_enabled"]}
ALL_PORTS = {"tcp": frozenset(range(1, 10000)), "udp": frozenset({161, 5683})}


def test_absent_forbidden_services_pass_when_discovery_covered_their_ports() -> None:
    covered = Coverage(7, ALL_PORTS, frozenset({"https"}))
    result = judge(requirement(**PLAINTEXT), DECLARATION, {}, covered)
    assert result["verdict"] == "pass", result["evidence"]
    assert result["evidence"] == [
        "[pass] telnet_management_plaintext: not applicable: no TELNET service (tcp 23/2323 closed in scan 7)",
        "[pass] mqtt_plaintext_transport: not applicable: no MQTT service (tcp 1883 closed in scan 7)",
        "[pass] snmp_v1_v2c_enabled: not applicable: no SNMP service (udp 161 closed in scan 7)",
    ]


@pytest.mark.parametrize(
    ("coverage", "why"),
    [
        (None, "no verdict stored for the device"),
        (Coverage(7, None, frozenset()), "no TELNET service found, but the ports scanned are not recorded"),
        (Coverage(7, {"tcp": frozenset({23, 1883})}, frozenset()), "discovery did not probe tcp 2323 (TELNET)"),
        (Coverage(7, ALL_PORTS, frozenset({"telnet"})), "a TELNET service is open but was not judged"),
    ],
)
def test_absence_proves_nothing_unless_discovery_looked(coverage: Coverage | None, why: str) -> None:
    result = judge(requirement(checks=["telnet_management_plaintext"]), DECLARATION, {}, coverage)
    assert result["verdict"] == "not_assessed"
    assert result["evidence"] == [f"[not assessed] telnet_management_plaintext: {why}"]


def test_a_partly_assessed_requirement_is_conditional_on_the_missing_sub_test() -> None:
    verdicts = {"mqtt_plaintext_transport": [{"verdict": "pass"}], "snmp_v1_v2c_enabled": [{"verdict": "pass"}]}
    result = judge(requirement(**PLAINTEXT), DECLARATION, verdicts, Coverage(7, {"tcp": frozenset({23})}, frozenset()))
    assert result["verdict"] == "conditional"
    assert (
        result["condition"] == "telnet_management_plaintext is assessed on the device: discovery did not probe "
        "tcp 2323 (TELNET)"
    )


def test_the_failing_sub_test_is_marked() -> None:
    verdicts = {
        "telnet_management_plaintext": [{"verdict": "pass"}],
        "mqtt_plaintext_transport": [{"verdict": "fail", "port": 1883, "evidence": {"tls": False}}],
        "snmp_v1_v2c_enabled": [{"verdict": "pass"}],
    }
    result = judge(requirement(**PLAINTEXT), DECLARATION, verdicts)
    assert result["verdict"] == "fail"
    assert [line.split(" ", 1)[0] for line in result["evidence"]] == ["[pass]", "[FAIL]", "[pass]"]
    assert result["evidence"][1] == "[FAIL] mqtt_plaintext_transport on port 1883: {'tls': False}"


def test_a_missing_mandatory_declaration_field_fails_and_a_recommended_one_is_owed() -> None:
    rule = {"declaration": [{"field": "updates.signed", "equals": True}]}
    mandatory = judge(requirement(**rule), DECLARATION, {})
    assert mandatory["verdict"] == "fail"
    assert mandatory["evidence"] == ["[FAIL] updates.signed: not declared (mandatory)"]
    recommended = judge(requirement(level="recommended", **rule), DECLARATION, {})
    assert (recommended["verdict"], recommended["condition"]) == ("conditional", "the vendor declares updates.signed")


def test_a_contract_condition_is_stated_with_what_else_is_owed() -> None:
    fields = {
        "level": "recommended",
        "condition": "Support is in the contract.",
        "declaration": [{"field": "support.end_date", "present": True}],
    }
    result = judge(requirement(**fields), DECLARATION, {})
    assert result["condition"] == "Support is in the contract; the vendor declares support.end_date"


def test_a_mandatory_fail_fails_the_device_and_a_recommended_one_does_not() -> None:
    assert overall([{"level": "mandatory", "verdict": "fail"}, {"level": "mandatory", "verdict": "pass"}]) == "fail"
    assert overall([{"level": "recommended", "verdict": "fail"}, {"level": "mandatory", "verdict": "pass"}]) == "pass"
    assert overall([{"level": "mandatory", "verdict": "conditional"}]) == "conditional"


def test_shipped_templates_load_and_cite_real_enisa_and_etsi_ids() -> None:
    from muniscan.policies.frameworks import load_frameworks

    frameworks = load_frameworks()
    wanted = load_requirements(TEMPLATES / "requirements-template.yaml")
    load_declaration(TEMPLATES / "declaration-template.yaml")
    for r in wanted.requirements:
        assert all(frameworks["enisa"].requirement(i) for i in r.references.enisa), r.id
        assert all(frameworks["etsi"].requirement(i) for i in r.references.etsi), r.id
    covered = {i for r in wanted.requirements for i in r.references.enisa}
    assert {"GP-OP-02", "GP-OP-06", "GP-OP-12", "GP-TM-09", "GP-TM-25"} <= covered


def test_errors_name_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "requirements.yaml"
    bad.write_text(
        "name: x\nversion: '1'\nrequirements:\n  - id: SEC-01\n    title: A requirement title\n"
        "    declaration:\n      - {field: sbom.provided, equals: true, at_least: 3}\n"
        "  - id: SEC-02\n    title: Another title here\n    levle: mandatory\n"
        "    checks: [telnet_management_plaintext]\n",
        encoding="utf-8",
    )
    with pytest.raises(YamlFileError) as caught:
        load_requirements(bad)
    message = str(caught.value)
    assert f"{bad}:7: field 'requirements.0.declaration.0'" in message
    assert f"{bad}:10: field 'requirements.1.levle': unknown field" in message
    declaration = tmp_path / "declaration.yaml"
    declaration.write_text("vendor: V\nproduct: P\nmodel: M\nfirmware: '1'\ndeclared_by: A\n"
                           "declared_on: 2025-01-01\nsupport:\n  period_years: many\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(YamlFileError, match=r"declaration.yaml:8: field 'support.period_years'"):
        load_declaration(declaration)


def test_a_check_id_the_scanner_does_not_have_is_an_error_naming_file_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "requirements.yaml"
    bad.write_text(
        "name: x\nversion: '1'\nrequirements:\n  - id: SEC-01\n    title: A requirement title\n"
        "    checks:\n      - telnet_management_plaintext\n      - default_credentials\n"
        "  - id: SEC-02\n    title: Another title here\n    checks: [no_such_check_anywhere]\n",
        encoding="utf-8",
    )
    with pytest.raises(YamlFileError) as caught:
        load_requirements(bad)
    lines = str(caught.value).splitlines()
    assert lines[0] == (
        f"{bad}:8: field 'requirements.0.checks.1': unknown check 'default_credentials' "
        "(did you mean 'default_credentials_accepted'?)"
    )
    assert lines[1].startswith(f"{bad}:11: field 'requirements.1.checks.0': unknown check 'no_such_check_anywhere'")
    assert len(lines) == 2


def test_the_template_names_only_checks_the_scanner_has() -> None:
    from muniscan.checks.registry import load_checks

    known = {c.id for c in load_checks()}
    named = {c for r in load_requirements(TEMPLATES / "requirements-template.yaml").requirements for c in r.checks}
    assert named <= known
    assert {"default_credentials_accepted", "brute_force_protection_missing"} <= named


def test_a_check_whose_probe_completed_but_found_nothing_to_judge_is_not_applicable() -> None:
    cookies = requirement(checks=["http_insecure_cookies"])
    ran = judge(cookies, DECLARATION, {}, Coverage(7, ALL_PORTS, frozenset({"https"}), frozenset({"http"})))
    assert ran["verdict"] == "pass"
    assert ran["evidence"] == [
        "[pass] http_insecure_cookies: not applicable: the http probe completed and gave it nothing to judge"
    ]
    silent = judge(cookies, DECLARATION, {}, Coverage(7, ALL_PORTS, frozenset({"https"}), frozenset({"tls"})))
    assert silent["verdict"] == "not_assessed"
