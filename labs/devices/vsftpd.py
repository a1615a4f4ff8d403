"""vsftpd, the real FTP server: anonymous read-only access to a device's export folder, or none.

Settings (`config:`):
- `anonymous`: allow anonymous login, read-only (default false).
- `banner`: the 220 greeting (default "<vendor> <model> FTP").
- `files`: {name: text} placed in the served folder (default a readme).
The server runs as the lab's user with no privilege separation and no login that can succeed other
than the anonymous one, so it can serve the lab's folder; on loopback or in a lab namespace only.
"""

from muniscan.labs.daemons import folder, program, run_daemon
from muniscan.labs.devices.base import DeviceContext, Running


def configuration(ctx: DeviceContext) -> str:
    where = folder(ctx)
    root = where / "files"
    root.mkdir(exist_ok=True)
    files = dict(ctx.setting("files", {"readme.txt": f"{ctx.device.vendor} {ctx.device.model} log export"}))
    for name, text in files.items():
        (root / name).write_text(f"{text}\n", encoding="utf-8")
    empty = where / "empty"
    empty.mkdir(exist_ok=True)
    anonymous = bool(ctx.setting("anonymous", False))
    users = where / "user_list"
    users.write_text("ftp-export-nobody\n", encoding="utf-8")
    lines = [
        "listen=YES",
        "listen_ipv6=NO",
        "background=NO",
        f"listen_address={ctx.device.address}",
        f"listen_port={ctx.service.port}",
        "run_as_launching_user=YES",
        "seccomp_sandbox=NO",
        f"anonymous_enable={'YES' if anonymous else 'NO'}",
        "no_anon_password=YES",
        f"anon_root={root}",
        # vsftpd refuses to serve with both kinds of login off: without anonymous access, local
        # logins are on for a user list naming only an account that does not exist.
        *(["local_enable=NO"] if anonymous else ["local_enable=YES", "userlist_enable=YES", "userlist_deny=NO"]),
        f"userlist_file={users}",
        "write_enable=NO",
        f"secure_chroot_dir={empty}",
        f"ftpd_banner={ctx.setting('banner', f'{ctx.device.vendor} {ctx.device.model} FTP')}",
        "pasv_enable=YES",
        "pasv_min_port=40000",
        "pasv_max_port=40100",
        "xferlog_enable=NO",
        "connect_from_port_20=NO",
    ]
    return "\n".join(lines) + "\n"


async def start(ctx: DeviceContext) -> Running:
    conf = folder(ctx) / "vsftpd.conf"
    conf.write_text(configuration(ctx), encoding="utf-8")
    return await run_daemon(ctx, [program("vsftpd", "vsftpd"), str(conf)])
