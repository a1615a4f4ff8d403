"""An SNMP agent on pysnmp, speaking v1, v2c and/or v3 with chosen communities and users.

Settings (`config:`):
- `versions`: SNMP versions answered, any of "v1", "v2c", "v3" (default ["v2c"]).
- `communities`: community strings for v1/v2c, each "ro" or "rw" (default {"public": "ro"}).
- `v3_users`: {user: {auth_key, priv_key}} with SHA authentication and AES privacy (default none).
- `sys_descr`, `sys_object_id`, `sys_name`, `sys_location`, `sys_contact`: the system group; sysDescr
  defaults to "<vendor> <model> firmware <firmware>", sysObjectID to an enterprise OID.
"""

import socket
from typing import Any

from pysnmp.carrier.asyncio.dgram import udp
from pysnmp.entity import config, engine
from pysnmp.entity.rfc3413 import cmdrsp, context

from muniscan.labs.devices.base import DeviceContext, Running

ALL_MIB = (1, 3, 6, 1)
# Message processing model numbers: the agent drops versions it has no model for, like a real agent.
MODELS = {"v1": 0, "v2c": 1, "v3": 3}
SECURITY_MODELS = {"v1": 1, "v2c": 2}


def _system_group(ctx: DeviceContext) -> dict[str, Any]:
    device = ctx.device
    return {
        "sysDescr": ctx.setting("sys_descr", f"{device.vendor} {device.model} firmware {device.firmware}"),
        "sysObjectID": tuple(int(p) for p in str(ctx.setting("sys_object_id", "1.3.6.1.4.1.99999.1.1")).split(".")),
        "sysName": ctx.setting("sys_name", device.name),
        "sysLocation": ctx.setting("sys_location", ""),
        "sysContact": ctx.setting("sys_contact", ""),
    }


def _set_system_group(snmp_engine: engine.SnmpEngine, values: dict[str, Any]) -> None:
    builder = snmp_engine.get_mib_builder()
    for name, value in values.items():
        (instance,) = builder.import_symbols("__SNMPv2-MIB", name)
        instance.syntax = instance.syntax.clone(value)


def _bound_socket(address: str, port: int) -> socket.socket:
    """Bind here, not inside pysnmp, so a busy address fails the start instead of passing silently."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((address, port))
    sock.setblocking(False)
    return sock


def _configure_access(ctx: DeviceContext, snmp_engine: engine.SnmpEngine, versions: list[str]) -> None:
    communities: dict[str, str] = ctx.setting("communities", {"public": "ro"})
    for index, (community, access) in enumerate(communities.items()):
        name = f"community-{index}"
        config.add_v1_system(snmp_engine, name, community)
        for version in versions:
            if version in SECURITY_MODELS:
                write = ALL_MIB if access == "rw" else ()
                config.add_vacm_user(snmp_engine, SECURITY_MODELS[version], name, "noAuthNoPriv", ALL_MIB, write)
    if "v3" in versions:
        for user, keys in ctx.setting("v3_users", {}).items():
            config.add_v3_user(
                snmp_engine,
                user,
                config.USM_AUTH_HMAC96_SHA,
                keys["auth_key"],
                config.USM_PRIV_CFB128_AES,
                keys["priv_key"],
            )
            config.add_vacm_user(snmp_engine, 3, user, "authPriv", ALL_MIB, ())


class _RecordingGet(cmdrsp.GetCommandResponder):
    """A GET responder that writes each request it serves to the device log."""

    def __init__(self, snmp_engine: engine.SnmpEngine, snmp_context: context.SnmpContext, ctx: DeviceContext):
        super().__init__(snmp_engine, snmp_context)
        self._ctx = ctx

    def process_pdu(self, snmp_engine, mp_model, security_model, security_name, *args, **kwargs):  # type: ignore[no-untyped-def]
        self._ctx.record("get", version={0: "v1", 1: "v2c", 3: "v3"}.get(mp_model, str(mp_model)))
        return super().process_pdu(snmp_engine, mp_model, security_model, security_name, *args, **kwargs)


async def start(ctx: DeviceContext) -> Running:
    versions: list[str] = ctx.setting("versions", ["v2c"])
    unknown = set(versions) - set(MODELS)
    if unknown:
        raise ValueError(f"unknown SNMP versions {sorted(unknown)}; use v1, v2c, v3")
    snmp_engine = engine.SnmpEngine()
    for version, model in MODELS.items():
        if version not in versions:
            snmp_engine.message_processing_subsystems.pop(model, None)
    sock = _bound_socket(ctx.device.address, ctx.service.port)
    transport = udp.UdpTransport().open_server_mode(sock=sock)
    config.add_transport(snmp_engine, udp.DOMAIN_NAME, transport)
    _configure_access(ctx, snmp_engine, versions)
    _set_system_group(snmp_engine, _system_group(ctx))
    snmp_context = context.SnmpContext(snmp_engine)
    _RecordingGet(snmp_engine, snmp_context, ctx)
    cmdrsp.NextCommandResponder(snmp_engine, snmp_context)
    snmp_engine.transport_dispatcher.job_started(1)
    ctx.record("listening", versions=versions)

    async def stop() -> None:
        snmp_engine.transport_dispatcher.job_finished(1)
        snmp_engine.close_dispatcher()
        sock.close()

    return Running(stop)
