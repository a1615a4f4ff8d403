"""Net-SNMP's snmpd, the real agent: v1/v2c communities (read-only and read-write) or SNMPv3 only.

Settings (`config:`):
- `ro_communities`, `rw_communities`: v1/v2c community strings (default none: no v1/v2c access).
- `v3_users`: {user: passphrase} SHA/AES users with read access at authPriv (default none).
- `sys_descr`, `sys_location`, `sys_contact`, `sys_name`: the system group's values.
"""

from muniscan.labs.daemons import folder, program, run_daemon
from muniscan.labs.devices.base import DeviceContext, Running


def configuration(ctx: DeviceContext) -> str:
    device = ctx.device
    lines = [
        f"agentAddress udp:{device.address}:{ctx.service.port}",
        f"sysDescr {ctx.setting('sys_descr', f'{device.vendor} {device.model} firmware {device.firmware}')}",
        f"sysName {ctx.setting('sys_name', device.name)}",
        "sysServices 72",
    ]
    lines += [f"rocommunity {c} default" for c in ctx.setting("ro_communities", [])]
    lines += [f"rwcommunity {c} default" for c in ctx.setting("rw_communities", [])]
    for user, passphrase in dict(ctx.setting("v3_users", {})).items():
        lines += [f'createUser {user} SHA "{passphrase}" AES "{passphrase}"', f"rouser {user} priv"]
    return "\n".join(lines) + "\n"


def persistent(ctx: DeviceContext) -> str:
    """sysLocation and sysContact as saved-state tokens: written as sysLocation/sysContact they would be read-only."""
    return (
        f"psyslocation {ctx.setting('sys_location', 'Technical room')}\n"
        f"psyscontact {ctx.setting('sys_contact', 'drift@example.se')}\n"
    )


async def start(ctx: DeviceContext) -> Running:
    where = folder(ctx)
    conf = where / "snmpd.conf"
    conf.write_text(configuration(ctx) + persistent(ctx), encoding="utf-8")
    state = where / "state"
    state.mkdir(exist_ok=True)
    argv = [program("snmpd", "snmpd"), "-f", "-C", "-c", str(conf), "-Lf", str(where / "snmpd.log")]
    argv += ["-p", str(where / "snmpd.pid"), "-I", "-smux,mteTrigger,mteTriggerConf"]
    return await run_daemon(ctx, argv, env={"SNMP_PERSISTENT_DIR": str(state), "MIBS": ""})
