"""When no verdict of a check is stored for the device: was its service absent, and did discovery look for it?

A hardened sample with no telnet listener gives the telnet check nothing to judge, so the scan stores no
verdict. That absence is evidence only when discovery probed the ports where such a service lives; the
ports come from the one service table (facts.services), the ports probed from the scan that judged it.
"""

from dataclasses import dataclass

from muniscan.checks.registry import load_checks
from muniscan.facts.services import UDP_SERVICES, WELL_KNOWN

# The services a check judges; a device without any of them has nothing the check could fail on.
LOOKS_FOR: dict[str, tuple[str, ...]] = {
    "telnet_management_plaintext": ("telnet",),
    "ftp_plaintext_service": ("ftp",),
    "ftp_anonymous_login": ("ftp",),
    "http_admin_without_tls": ("http",),
    "http_basic_auth_cleartext": ("http",),
    "http_admin_unauthenticated": ("http", "https"),
    "http_missing_security_headers": ("http", "https"),
    "http_insecure_cookies": ("http", "https"),
    "mqtt_plaintext_transport": ("mqtt",),
    "mqtt_anonymous_access": ("mqtt", "mqtts"),
    "mqtt_topics_readable_anonymously": ("mqtt", "mqtts"),
    "snmp_v1_v2c_enabled": ("snmp",),
    "snmp_default_community": ("snmp",),
    "modbus_unauthenticated_access": ("modbus",),
    "rtsp_stream_without_auth": ("rtsp",),
    "coap_resources_unauthenticated": ("coap",),
    "bacnet_unauthenticated_access": ("bacnet",),
}


@dataclass(frozen=True)
class Coverage:
    """What the judging scan looked at on the device: ports probed per transport (None: not recorded) and
    the names of the services it found open."""

    scan_id: int
    ports: dict[str, frozenset[int]] | None
    open_services: frozenset[str]
    probes_completed: frozenset[str] = frozenset()


def service_ports(names: tuple[str, ...]) -> dict[str, list[int]]:
    return {
        "tcp": sorted(port for port, name in WELL_KNOWN.items() if name in names),
        "udp": sorted(port for port, name in UDP_SERVICES.items() if name in names),
    }


def _label(names: tuple[str, ...]) -> str:
    return " or ".join(name.upper() for name in names)


def _listed(ports: dict[str, list[int]]) -> str:
    return ", ".join(f"{transport} {'/'.join(map(str, found))}" for transport, found in ports.items() if found)


def absent_service(check_id: str, coverage: Coverage | None) -> tuple[bool, str]:
    """(True, evidence) when the check's service is absent and discovery covered its ports; else (False, why
    the absence proves nothing)."""
    names = LOOKS_FOR.get(check_id)
    if coverage is None or names is None:
        return False, "no verdict stored for the device"
    if coverage.open_services & set(names):
        requires = next((c.meta.requires for c in load_checks() if c.id == check_id), ())
        if requires and set(requires) <= coverage.probes_completed:
            # The check saw its facts and found nothing to judge (a web page without cookies, say).
            return True, f"not applicable: the {', '.join(requires)} probe completed and gave it nothing to judge"
        return False, f"a {_label(names)} service is open but was not judged"
    wanted = service_ports(names)
    if coverage.ports is None:
        return False, f"no {_label(names)} service found, but the ports scanned are not recorded"
    missed = {t: [p for p in ports if p not in coverage.ports.get(t, frozenset())] for t, ports in wanted.items()}
    if any(missed.values()):
        return False, f"discovery did not probe {_listed(missed)} ({_label(names)})"
    return True, f"not applicable: no {_label(names)} service ({_listed(wanted)} closed in scan {coverage.scan_id})"
