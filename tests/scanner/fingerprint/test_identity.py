"""Facts from several probes merge into one identity with a confidence and the evidence behind it."""

from types import SimpleNamespace

from muniscan.scanner.fingerprint import facts_from_observations, identify, load_rules
from muniscan.scanner.fingerprint.oui import vendor_for_mac


def _row(probe: str, facts: dict, status: str = "completed") -> SimpleNamespace:
    return SimpleNamespace(probe=probe, status=status, facts=facts)


def test_agreeing_evidence_raises_confidence_and_is_kept() -> None:
    bag = facts_from_observations(
        [
            _row("http", {"server": "Niagara Web Server/4.10.1.36", "title": "Login"}),
            _row("bacnet", {"vendor_name": "Tridium", "model_name": "JACE-8000"}),
        ]
    )
    identity = identify(bag, load_rules())
    assert identity.value("vendor") == "Tridium"
    assert identity.vendor.confidence > 0.85  # two rules agree
    assert {e.rule for e in identity.vendor.evidence} == {"niagara-http-server", "bacnet-vendor-name"}
    assert identity.value("firmware") == "4.10.1.36"
    assert identity.value("device_class") == "building-management"
    assert identity.conflicts["model"] == ["Niagara", "JACE-8000"]  # the stronger rule wins, the other is kept


def test_failed_attempts_say_nothing() -> None:
    bag = facts_from_observations([_row("http", {"server": "DNVRS-Webs"}, status="error")])
    assert identify(bag, load_rules()).vendor is None


def test_mac_vendor_comes_from_the_offline_oui_registry() -> None:
    assert vendor_for_mac("b8:27:eb:12:34:56") == "Raspberry Pi Foundation"
    assert vendor_for_mac("02:00:00:00:00:01") is None  # locally administered
    assert vendor_for_mac("not a mac") is None
    identity = identify({}, load_rules(), mac="b8:27:eb:12:34:56")
    assert identity.value("vendor") == "Raspberry Pi Foundation"
    assert identity.vendor.evidence[0].text == "b8:27:eb"  # only the OUI, never the whole MAC
    assert identity.confidence == 0.5


def test_a_rule_outranks_the_oui_of_a_network_module() -> None:
    bag = facts_from_observations([_row("snmp", {"sys_descr": "MOXA NPort 5110"})])
    identity = identify(bag, load_rules(), mac="b8:27:eb:12:34:56")
    assert identity.value("vendor") == "Moxa"
    assert identity.conflicts["vendor"] == ["Moxa", "Raspberry Pi Foundation"]


def test_hostile_long_banners_are_cut_before_matching() -> None:
    bag = facts_from_observations([_row("banner", {"text": "Lumenvik " + "A" * 100_000})])
    assert len(bag["banner.text"][0]) <= 2048
    assert identify(bag, load_rules()).vendor is None
