"""What the snmp probe records (see `muniscan.scanner` for how)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class SnmpFacts:
    answered_versions: tuple[str, ...]
    accepted: tuple[str, ...]  # "v2c:public": version and community (masked unless well known)
    communities_tried: int
    sys_descr: str = ""
    sys_object_id: str = ""
    sys_name: str = ""
    sys_location: str = ""
    v3_engine_enterprise: int | None = None
