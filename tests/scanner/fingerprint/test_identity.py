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


def test_bacnet_properties_and_mdns_txt_become_facts_of_their_own_name() -> None:
    bacnet = {
        "answered_who_is": True,
        "device_instance": 2160,
        "properties": [
            {"name": "vendorName", "readable": True, "value": "Ventura", "error": ""},
            {"name": "modelName", "readable": True, "value": "VX-AHU 40", "error": ""},
            {"name": "firmwareRevision", "readable": True, "value": "4.2.1", "error": ""},
            {"name": "location", "readable": False, "value": "", "error": "no answer"},
        ],
    }
    mdns = {
        "service_types": ["_http._tcp"],
        "services": [{"service_type": "_http._tcp", "txt": ["model=LD-55", "fw=3.2.1", "path=/", "flag"]}],
    }
    bag = facts_from_observations([_row("bacnet", bacnet), _row("mdns", mdns)])
    assert bag["bacnet.vendor_name"] == ["Ventura"] and "bacnet.location" not in bag
    assert bag["mdns.txt.model"] == ["LD-55"] and bag["mdns.txt.fw"] == ["3.2.1"]
    ahu = identify(facts_from_observations([_row("bacnet", bacnet)]), load_rules())
    assert (ahu.value("vendor"), ahu.value("model"), ahu.value("firmware")) == ("Ventura", "VX-AHU 40", "4.2.1")
    assert ahu.value("device_class") == "building-management"


def test_a_spelled_out_model_and_its_product_token_are_one_model() -> None:
    bag = facts_from_observations([_row("http", {"server": "Tryggly-CareHub-2", "title": "Tryggly CareHub 2"})])
    identity = identify(bag, load_rules())
    assert identity.value("model") == "CareHub 2"  # the Server header's token cannot carry the space
    assert "model" not in identity.conflicts
    assert identity.value("device_class") == "care-alarm-gateway"  # from the product line, once it is known


def test_a_product_line_class_is_no_surer_than_the_product() -> None:
    bag = facts_from_observations(
        [_row("modbus", {"answered": True, "vendor_name": "Varmeverk", "model_name": "DHM-2"})]
    )
    identity = identify(bag, load_rules())
    assert identity.value("device_class") == "district-heating-meter"  # a Modbus answer alone is no PLC
    assert identity.device_class.confidence < identity.model.confidence
    assert (
        identify(
            facts_from_observations([_row("modbus", {"answered": True, "model_name": "DHM-2"})]), load_rules()
        ).device_class
        is None
    )
