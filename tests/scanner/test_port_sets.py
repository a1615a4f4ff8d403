"""Port lists: the default covers remote-access and data services; --ports widens it; never-touch ports stay out."""

import pytest

from muniscan.coverage import ports_record
from muniscan.policies import load_profile
from muniscan.policies.schema import Policy
from muniscan.scanner.engine import ScanPlan
from muniscan.scanner.port_sets import NMAP_SERVICES, PortSetError, tcp_port_set

REMOTE_ACCESS_AND_DATA = {3389, 5900, 5901, 3306, 5432, 6379, 27017, 2375, 2376, 4840, 102, 20000, 44818, 1911, 4911}
has_nmap_table = pytest.mark.skipif(
    not any(p.is_file() for p in NMAP_SERVICES), reason="nmap is not installed (scripts/install-system-packages.sh)"
)


def plan(ports: str) -> ScanPlan:
    base = load_profile()
    policy = Policy.model_validate(
        {
            **base.model_dump(mode="json"),
            "scope": {"include": ["127.101.30.10"], "never_touch_ports": ["515", "2024", "9100-9107", "9999"]},
        }
    )
    tcp = tcp_port_set(ports, [str(p) for p in policy.discovery.tcp_ports])
    widened = policy.model_copy(update={"discovery": policy.discovery.model_copy(update={"tcp_ports": tcp})})
    return ScanPlan.build(widened, ["127.101.30.10"])


def test_the_default_list_covers_remote_access_and_data_services() -> None:
    default = set(plan("policy").tcp_ports)
    assert default >= REMOTE_ACCESS_AND_DATA
    assert {23, 2323, 6023, 8023} <= default  # telnet and its alternates
    assert {8083, 8084, 9001} <= default  # MQTT over WebSocket


def test_all_ports_leave_out_the_never_touch_ports() -> None:
    everything = plan("all")
    assert len(everything.tcp_ports) == 65535 - 1 - 1 - 8 - 1
    assert not {515, 2024, 9100, 9107, 9999} & set(everything.tcp_ports)
    assert ports_record(everything.tcp_ports, [])["tcp"] == "1-514,516-2023,2025-9099,9108-9998,10000-65535"


@has_nmap_table
def test_top_1000_adds_nmaps_most_common_ports_to_the_iot_list() -> None:
    top = set(plan("top-1000").tcp_ports)
    assert set(plan("policy").tcp_ports) <= top
    assert {25, 110, 135, 139, 445, 3389, 5900} <= top  # common services the IoT list does not name
    assert 1000 <= len(top) < 1100


def test_an_unknown_port_set_is_refused() -> None:
    with pytest.raises(PortSetError, match="top-1000"):
        tcp_port_set("top-10", ["80"])


def test_the_scan_command_refuses_an_unknown_port_set_before_sending_anything() -> None:
    from typer.testing import CliRunner

    from muniscan.cli.main import app

    result = CliRunner().invoke(app, ["scan", "--ports", "most", "127.101.30.10"])
    assert result.exit_code == 2 and "--ports must be one of policy, top-1000, all" in result.output
