"""SNMP write access, proved without changing anything: SET sysLocation.0 to the value it already holds.

Intrusive: a SET is sent. The value is read first with the policy's communities, written back unchanged
with each community in turn until one is accepted, and read again to show the device holds what it held.
"""

import secrets

from pyasn1.codec.ber import encoder
from pysnmp.proto import api

from muniscan.facts.snmp_write import SnmpWriteFacts
from muniscan.facts.writes import WriteAttempt
from muniscan.policies.schema import Intrusiveness, Policy
from muniscan.scanner.gate import Gate
from muniscan.scanner.probes.base import ProbeSpec, ServiceTarget
from muniscan.scanner.probes.snmp import COMMUNITY_VERSIONS, SNMP_PORT, SYSTEM_OIDS, response_pdu, shown_community
from muniscan.text import terminal_safe

SYS_LOCATION = SYSTEM_OIDS["sys_location"]
VERSION = "v2c"


def request(kind: str, community: str, request_id: int, value: bytes | None = None) -> bytes:
    """A GetRequest, or a SetRequest carrying `value`, for sysLocation.0."""
    proto = api.PROTOCOL_MODULES[COMMUNITY_VERSIONS[VERSION]]
    pdu = proto.SetRequestPDU() if kind == "set" else proto.GetRequestPDU()
    proto.apiPDU.set_defaults(pdu)
    proto.apiPDU.set_request_id(pdu, request_id)
    proto.apiPDU.set_varbinds(pdu, [(SYS_LOCATION, proto.OctetString(value) if kind == "set" else proto.Null(""))])
    message = proto.Message()
    proto.apiMessage.set_defaults(message)
    proto.apiMessage.set_community(message, community)
    proto.apiMessage.set_pdu(message, pdu)
    return bytes(encoder.encode(message))


def parse_reply(data: bytes, request_id: int) -> tuple[int, bytes | None] | None:
    """(error status, sysLocation value) of a matching response; None for anything else."""
    answer = response_pdu(VERSION, data, request_id)
    if answer is None:
        return None
    proto, pdu = answer
    status = int(proto.apiPDU.get_error_status(pdu))
    values = [v for oid, v in proto.apiPDU.get_varbinds(pdu) if tuple(oid) == SYS_LOCATION]
    value = bytes(values[0]) if values and not status and values[0].tagSet == proto.OctetString.tagSet else None
    return status, value


async def _exchange(gate: Gate, target: ServiceTarget, kind: str, community: str, value: bytes | None = None):  # type: ignore[no-untyped-def]
    request_id = secrets.randbelow(2**31 - 1) + 1
    reply = await gate.udp_exchange(target.address, target.port, request(kind, community, request_id, value))
    return parse_reply(reply, request_id) if reply else None


def _shown(value: bytes | None) -> str | None:
    return None if value is None else terminal_safe(value.decode("utf-8", "replace"), 256)


async def probe_snmp_write(gate: Gate, target: ServiceTarget, policy: Policy) -> SnmpWriteFacts:
    communities = list(policy.probes.snmp_communities)
    old: bytes | None = None
    reader = ""
    for community in communities:
        answer = await _exchange(gate, target, "get", community)
        if answer and answer[1] is not None:
            old, reader = answer[1], community
            break
    if old is None:
        raise TimeoutError("no community of the policy reads sysLocation.0: nothing to write back")
    writes = []
    for community in communities:
        answer = await _exchange(gate, target, "set", community, old)
        accepted = answer is not None and answer[0] == 0  # agents drop unknown communities: no answer
        after = await _exchange(gate, target, "get", reader) if accepted else None
        now = after[1] if after else None
        writes.append(
            WriteAttempt(
                target="sysLocation.0",
                via=f"{VERSION}:{shown_community(community)}",
                old=_shown(old) or "",
                new=_shown(old) or "",
                accepted=accepted,
                after=_shown(now),
                restored=(now == old) if accepted else None,
            )
        )
        if accepted:
            break  # one proof is enough
    return SnmpWriteFacts(read_via=f"{VERSION}:{shown_community(reader)}", writes=tuple(writes))


PROBE = ProbeSpec(
    name="snmp_write",
    intrusiveness=Intrusiveness.INTRUSIVE,
    facts_type=SnmpWriteFacts,
    applies=lambda t: t.transport == "udp" and (t.port == SNMP_PORT or t.name == "snmp"),
    run=probe_snmp_write,
    description="SNMP SET of sysLocation.0 to the value it holds, with the policy's communities, read back after",
)
