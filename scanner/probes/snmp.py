"""SNMP: which versions answer, which of the policy's communities work, and the system group they reveal.

Messages are encoded with pysnmp's codec and sent through the gate; pysnmp never opens a socket here.
"""

import asyncio
import secrets

from pyasn1.codec.ber import decoder, encoder
from pyasn1.error import PyAsn1Error
from pysnmp.proto import api, rfc1905
from pysnmp.proto.mpmod.rfc3412 import SNMPv3Message
from pysnmp.proto.secmod.rfc3414.service import UsmSecurityParameters

from muniscan.facts.snmp import SnmpFacts
from muniscan.policies.schema import Intrusiveness, Policy
from muniscan.scanner.gate import Gate
from muniscan.scanner.probes.base import ProbeSpec, ServiceTarget
from muniscan.text import terminal_safe

SNMP_PORT = 161
SYSTEM_OIDS = {
    "sys_descr": (1, 3, 6, 1, 2, 1, 1, 1, 0),
    "sys_object_id": (1, 3, 6, 1, 2, 1, 1, 2, 0),
    "sys_name": (1, 3, 6, 1, 2, 1, 1, 5, 0),
    "sys_location": (1, 3, 6, 1, 2, 1, 1, 6, 0),
}
COMMUNITY_VERSIONS = {"v1": api.SNMP_VERSION_1, "v2c": api.SNMP_VERSION_2C}
# Defaults printed in vendor manuals are shown in clear; any other community is a secret and is masked.
WELL_KNOWN_COMMUNITIES = frozenset({"public", "private", "community", "admin", "manager", "snmp", "default"})


def shown_community(community: str) -> str:
    return community if community in WELL_KNOWN_COMMUNITIES else f"{community[:1]}***"


def get_request(version: str, community: str, request_id: int) -> bytes:
    proto = api.PROTOCOL_MODULES[COMMUNITY_VERSIONS[version]]
    pdu = proto.GetRequestPDU()
    proto.apiPDU.set_defaults(pdu)
    proto.apiPDU.set_request_id(pdu, request_id)
    proto.apiPDU.set_varbinds(pdu, [(oid, proto.Null("")) for oid in SYSTEM_OIDS.values()])
    message = proto.Message()
    proto.apiMessage.set_defaults(message)
    proto.apiMessage.set_community(message, community)
    proto.apiMessage.set_pdu(message, pdu)
    return bytes(encoder.encode(message))


def response_pdu(version: str, data: bytes, request_id: int):  # type: ignore[no-untyped-def]
    """(protocol module, PDU) of the GetResponse to `request_id`; None for anything else."""
    proto = api.PROTOCOL_MODULES[COMMUNITY_VERSIONS[version]]
    try:
        message, _ = decoder.decode(data, asn1Spec=proto.Message())
    except PyAsn1Error:
        return None
    pdu = proto.apiMessage.get_pdu(message)
    if not isinstance(pdu, type(proto.GetResponsePDU())) or proto.apiPDU.get_request_id(pdu) != request_id:
        return None
    return proto, pdu


def parse_response(version: str, data: bytes, request_id: int) -> dict[str, str] | None:
    """The system group from a matching, error-free GetResponse; None for anything else."""
    answer = response_pdu(version, data, request_id)
    if answer is None:
        return None
    proto, pdu = answer
    if int(proto.apiPDU.get_error_status(pdu)):
        return None
    names = {oid: key for key, oid in SYSTEM_OIDS.items()}
    found = {}
    for oid, value in proto.apiPDU.get_varbinds(pdu):
        key = names.get(tuple(oid))
        if key and value.tagSet not in _EXCEPTION_TAGS:
            text = value.prettyPrint() if key == "sys_object_id" else bytes(value).decode("utf-8", "replace")
            found[key] = terminal_safe(text, limit=256)
    return found


_EXCEPTION_TAGS = {rfc1905.NoSuchObject.tagSet, rfc1905.NoSuchInstance.tagSet, rfc1905.EndOfMibView.tagSet}


def v3_discovery(message_id: int) -> bytes:
    """An SNMPv3 engine-discovery request (RFC 3414 §4): no user, no engine ID, asks for a Report."""
    message = SNMPv3Message()
    message["msgVersion"] = 3
    header = message["msgGlobalData"]
    header["msgID"] = message_id
    header["msgMaxSize"] = 65507
    header["msgFlags"] = b"\x04"
    header["msgSecurityModel"] = 3
    security = UsmSecurityParameters()
    security["msgAuthoritativeEngineId"] = b""
    security["msgAuthoritativeEngineBoots"] = 0
    security["msgAuthoritativeEngineTime"] = 0
    security["msgUserName"] = b""
    security["msgAuthenticationParameters"] = b""
    security["msgPrivacyParameters"] = b""
    message["msgSecurityParameters"] = encoder.encode(security)
    scoped = message["msgData"]["plaintext"]
    scoped["contextEngineId"] = b""
    scoped["contextName"] = b""
    get = rfc1905.GetRequestPDU()
    get["request-id"] = message_id
    get["error-status"] = 0
    get["error-index"] = 0
    get["variable-bindings"].clear()
    scoped["data"]["get-request"] = get
    return bytes(encoder.encode(message))


def parse_v3_report(data: bytes, message_id: int) -> int | None:
    """The enterprise number inside the agent's engine ID, 0 when it has none; None if not a v3 answer."""
    try:
        message, _ = decoder.decode(data, asn1Spec=SNMPv3Message())
        if int(message["msgVersion"]) != 3 or int(message["msgGlobalData"]["msgID"]) != message_id:
            return None
        security, _ = decoder.decode(bytes(message["msgSecurityParameters"]), asn1Spec=UsmSecurityParameters())
    except PyAsn1Error:
        return None
    engine_id = bytes(security["msgAuthoritativeEngineId"])
    # RFC 3411 SnmpEngineID: high bit set, then the IANA enterprise number. The rest may hold a MAC: not kept.
    return int.from_bytes(engine_id[:4], "big") & 0x7FFFFFFF if len(engine_id) >= 5 else 0


async def _first_community(gate: Gate, target: ServiceTarget, version: str, communities: list[str]):  # type: ignore[no-untyped-def]
    """Try communities in order and stop at the first that works."""
    for community in communities:
        request_id = secrets.randbelow(2**31 - 1) + 1
        reply = await gate.udp_exchange(target.address, target.port, get_request(version, community, request_id))
        found = parse_response(version, reply, request_id) if reply else None
        if found is not None:
            return community, found
    return None


async def probe_snmp(gate: Gate, target: ServiceTarget, policy: Policy) -> SnmpFacts:
    communities = list(policy.probes.snmp_communities)
    message_id = secrets.randbelow(2**31 - 1) + 1
    v3_reply = await gate.udp_exchange(target.address, target.port, v3_discovery(message_id))
    enterprise = parse_v3_report(v3_reply, message_id) if v3_reply else None
    results = await asyncio.gather(*(_first_community(gate, target, v, communities) for v in COMMUNITY_VERSIONS))
    answered = [v for v, r in zip(COMMUNITY_VERSIONS, results, strict=True) if r is not None]
    if enterprise is not None:
        answered.append("v3")
    if not answered:
        raise TimeoutError("no SNMP answer to v3 discovery or to the policy's communities")
    system: dict[str, str] = {}
    accepted = []
    for version, result in zip(COMMUNITY_VERSIONS, results, strict=True):
        if result is not None:
            accepted.append(f"{version}:{shown_community(result[0])}")
            system = system or result[1]
    return SnmpFacts(tuple(answered), tuple(accepted), len(communities), v3_engine_enterprise=enterprise, **system)


PROBE = ProbeSpec(
    name="snmp",
    intrusiveness=Intrusiveness.SAFE,
    facts_type=SnmpFacts,
    applies=lambda t: t.transport == "udp" and (t.port == SNMP_PORT or t.name == "snmp"),
    run=probe_snmp,
    description="SNMPv3 engine discovery and a GET of the system group with the policy's short community list",
)
