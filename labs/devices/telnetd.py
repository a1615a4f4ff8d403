"""BusyBox telnetd, the real server, as on many embedded controllers: a banner and a login prompt.

Settings (`config:`):
- `banner`: text shown before the prompt (default "<vendor> <model> firmware <firmware>").
The login program asks for a user and password and refuses every one: a telnet console is the finding,
and nobody gets a shell on the lab machine.
"""

from muniscan.labs.daemons import folder, program, run_daemon
from muniscan.labs.devices.base import DeviceContext, Running

LOGIN = """#!/bin/sh
printf 'login: '
read -r user
printf 'Password: '
read -r password
sleep 1
echo 'Login incorrect'
"""


async def start(ctx: DeviceContext) -> Running:
    where = folder(ctx)
    device = ctx.device
    issue = where / "issue"
    issue.write_text(ctx.setting("banner", f"{device.vendor} {device.model} firmware {device.firmware}") + "\n")
    login = where / "login.sh"
    login.write_text(LOGIN, encoding="utf-8")
    login.chmod(0o755)
    argv = [program("busybox", "busybox-static"), "telnetd", "-F", "-b", f"{device.address}:{ctx.service.port}"]
    return await run_daemon(ctx, [*argv, "-f", str(issue), "-l", str(login)])
