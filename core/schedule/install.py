"""Write systemd units or a crontab that call `muniscan schedule run-job NAME` (the lease still applies).

Both run in UTC (what `--cron` means), as a dedicated system user, with the same MUNISCAN_HOME (so the
same secret.key, and keyed hashes that match interactive runs) and the same store as the command that
wrote them. A password in the store URL is never written out: it comes from /etc/muniscan/env (PGPASSWORD).
"""

import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from muniscan.schedule.jobs import ScheduleError
from muniscan.store.models import Schedule

DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
ENV_FILE = "/etc/muniscan/env"
LOG_DIR = "/var/log/muniscan"


@dataclass(frozen=True)
class Deployment:
    """Who runs the jobs, with which home and store; `raw_network` when a policy uses ARP or ICMP discovery."""

    db_url: str
    home: Path
    user: str = "muniscan"
    executable: str = str(Path(sys.executable).with_name("muniscan"))

    def store_arg(self) -> str:
        """The store for the command line: a SQLite path, or the URL without its password."""
        url = make_url(self.db_url)
        if url.get_backend_name() == "sqlite":
            return str(url.database)
        bare = URL.create(url.get_backend_name(), url.username, None, url.host, url.port, url.database, url.query)
        return bare.render_as_string(hide_password=False)

    def writable(self) -> list[str]:
        """Folders the job writes: the home (secret.key, labs) and a SQLite store's folder (its journal files)."""
        folders = [str(self.home)]
        url = make_url(self.db_url)
        if url.get_backend_name() == "sqlite" and url.database:
            folder = str(Path(url.database).parent)
            if folder not in folders:
                folders.append(folder)
        return folders


def _field(value: str, names: list[str] | None = None, step_base: str = "0") -> str:
    """One cron field in systemd calendar syntax: lists, ranges (a-b -> a..b) and steps (*/n -> base/n)."""
    parts = []
    for part in value.split(","):
        if names is not None:
            part = "-".join(names[int(p)] if p.isdigit() else p for p in part.split("-"))
            parts.append(part.replace("-", ".."))
            continue
        if part.startswith("*/"):
            part = f"{step_base}/{part[2:]}"
        parts.append(part.replace("-", ".."))
    return ",".join(parts)


def on_calendar(cron: str) -> str:
    """A 5-field cron expression (UTC, as muniscan reads it) as a systemd OnCalendar= value in UTC."""
    fields = cron.split()
    if len(fields) != 5:
        raise ScheduleError(f"'{cron}': only 5-field cron expressions can become systemd timers")
    minute, hour, day, month, weekday = fields
    if day != "*" and weekday != "*":
        raise ScheduleError(f"'{cron}': cron ORs day-of-month and weekday, systemd ANDs them; use two jobs")
    if any(ch.isalpha() for ch in cron):
        raise ScheduleError(f"'{cron}': write weekdays and months as numbers for systemd conversion")
    days = "" if weekday == "*" else _field(weekday, DAYS) + " "
    date = f"*-{_field(month, step_base='1')}-{_field(day, step_base='1')}"
    return f"{days}{date} {_field(hour)}:{_field(minute)}:00 UTC"


def _argv(job: Schedule, where: Deployment, log_file: str | None = None) -> list[str]:
    logging = ["--log-level", "info", *(["--log-file", log_file] if log_file else [])]
    return [where.executable, "--db", where.store_arg(), *logging, "schedule", "run-job", job.name]


def _systemd_escape(command: str) -> str:
    """systemd reads % as a specifier and $ as a variable in ExecStart=; both are doubled to stay literal."""
    return command.replace("%", "%%").replace("$", "$$")


def systemd_units(job: Schedule, where: Deployment, raw_network: bool = False) -> dict[str, str]:
    unit = f"muniscan-{job.name}"
    # Raw sockets (ARP, ICMP echo) need CAP_NET_RAW; every other job runs with no capability at all.
    capabilities = "CAP_NET_RAW" if raw_network else ""
    families = "AF_INET AF_INET6 AF_UNIX AF_NETLINK" + (" AF_PACKET" if raw_network else "")
    service = "\n".join(
        [
            "[Unit]",
            f"Description=muniscan scheduled scan {job.name}",
            "Wants=network-online.target",
            "After=network-online.target",
            "",
            "[Service]",
            "Type=oneshot",
            f"User={where.user}",
            f"Group={where.user}",
            f"Environment=MUNISCAN_HOME={_systemd_escape(str(where.home))}",
            f"EnvironmentFile=-{ENV_FILE}",
            f"ExecStart={_systemd_escape(shlex.join(_argv(job, where)))}",
            f"TimeoutStartSec={job.max_runtime_seconds + 300}",
            "StandardOutput=journal",
            "StandardError=journal",
            f"SyslogIdentifier={unit}",
            "UMask=0077",
            "NoNewPrivileges=yes",
            "ProtectSystem=strict",
            f"ReadWritePaths={' '.join(_systemd_escape(p) for p in where.writable())}",
            "ProtectHome=read-only",
            "PrivateTmp=yes",
            "PrivateDevices=yes",
            "ProtectKernelTunables=yes",
            "ProtectKernelModules=yes",
            "ProtectKernelLogs=yes",
            "ProtectControlGroups=yes",
            "ProtectClock=yes",
            "ProtectHostname=yes",
            "RestrictNamespaces=yes",
            "RestrictRealtime=yes",
            "RestrictSUIDSGID=yes",
            "LockPersonality=yes",
            "SystemCallArchitectures=native",
            f"RestrictAddressFamilies={families}",
            f"CapabilityBoundingSet={capabilities}",
            f"AmbientCapabilities={capabilities}",
            "",
        ]
    )
    when = f"OnCalendar={on_calendar(job.cron)}" if job.cron else f"OnBootSec=60\nOnUnitActiveSec={job.every_seconds}s"
    timer = (
        f"[Unit]\nDescription=muniscan schedule {job.name} (UTC)\n\n"
        f"[Timer]\n{when}\nPersistent=true\nUnit={unit}.service\n\n[Install]\nWantedBy=timers.target\n"
    )
    return {f"{unit}.service": service, f"{unit}.timer": timer}


def sysusers(where: Deployment) -> str:
    """A systemd-sysusers entry for the dedicated user, its home being the muniscan home."""
    return f'u {where.user} - "muniscan scheduled scans" {where.home}\n'


def cron_line(job: Schedule, where: Deployment) -> str:
    if job.cron:
        when = job.cron
    elif job.every_seconds and job.every_seconds % 60 == 0 and job.every_seconds <= 3600:
        when = f"*/{job.every_seconds // 60} * * * *"
    else:
        raise ScheduleError(f"job '{job.name}': every {job.every_seconds}s has no cron form; use --systemd")
    log = f"{LOG_DIR}/{job.name}.log"
    # cron ends the command at an unescaped %; everything the job prints goes to its log file.
    command = shlex.join(_argv(job, where, log)) + f" >>{shlex.quote(log)} 2>&1"
    return f"{when} {command.replace('%', chr(92) + '%')}\n"


def crontab(jobs: list[Schedule], where: Deployment) -> str:
    header = (
        f"# muniscan scheduled scans, as user {where.user}: crontab -u {where.user} muniscan.crontab\n"
        f"# Times are UTC: CRON_TZ is honoured by cronie; where a cron ignores it, run the host\n"
        f"# in UTC or use the systemd units. Logs go to {LOG_DIR}/JOB.log (create it, owned by {where.user}).\n"
        "CRON_TZ=UTC\n"
        f"MUNISCAN_HOME={where.home}\n"
    )
    return header + "".join(cron_line(job, where) for job in jobs)


def install(jobs: list[Schedule], kind: str, folder: Path, where: Deployment, raw: set[str]) -> list[Path]:
    """Write the files into `folder` (never into /etc directly); `raw` names the jobs that need raw sockets."""
    files: dict[str, str] = {}
    if kind == "systemd":
        for job in jobs:
            files.update(systemd_units(job, where, job.name in raw))
        files["muniscan.sysusers.conf"] = sysusers(where)
    else:
        files["muniscan.crontab"] = crontab(jobs, where)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in files]
