"""Write systemd timer units or a crontab that call `muniscan schedule run-job NAME` (the lease still applies)."""

import shlex
import sys
from pathlib import Path

from muniscan.schedule.jobs import ScheduleError
from muniscan.store.models import Schedule

DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


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
    """A 5-field cron expression as a systemd OnCalendar= value."""
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
    return f"{days}{date} {_field(hour)}:{_field(minute)}:00"


def _command(job: Schedule, db_url: str | None) -> str:
    muniscan = str(Path(sys.executable).with_name("muniscan"))
    db = ["--db", db_url] if db_url else []
    return shlex.join([muniscan, *db, "schedule", "run-job", job.name])


def systemd_units(job: Schedule, db_url: str | None) -> dict[str, str]:
    unit = f"muniscan-{job.name}"
    service = (
        f"[Unit]\nDescription=muniscan scheduled scan {job.name}\nAfter=network-online.target\n\n"
        f"[Service]\nType=oneshot\nEnvironmentFile=-/etc/muniscan/env\nExecStart={_command(job, db_url)}\n"
    )
    when = f"OnCalendar={on_calendar(job.cron)}" if job.cron else f"OnBootSec=60\nOnUnitActiveSec={job.every_seconds}s"
    timer = (
        f"[Unit]\nDescription=muniscan schedule {job.name}\n\n"
        f"[Timer]\n{when}\nPersistent=true\nUnit={unit}.service\n\n[Install]\nWantedBy=timers.target\n"
    )
    return {f"{unit}.service": service, f"{unit}.timer": timer}


def cron_line(job: Schedule, db_url: str | None) -> str:
    if job.cron:
        when = job.cron
    elif job.every_seconds and job.every_seconds % 60 == 0 and job.every_seconds <= 3600:
        when = f"*/{job.every_seconds // 60} * * * *"
    else:
        raise ScheduleError(f"job '{job.name}': every {job.every_seconds}s has no cron form; use --systemd")
    return f"{when} {_command(job, db_url)} >/dev/null 2>&1\n"


def install(jobs: list[Schedule], kind: str, folder: Path, db_url: str | None) -> list[Path]:
    """Write the files into `folder` (never into /etc directly); returns what was written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    if kind == "systemd":
        for job in jobs:
            for name, text in systemd_units(job, db_url).items():
                (folder / name).write_text(text, encoding="utf-8")
                written.append(folder / name)
    else:
        header = "# muniscan scheduled scans; install with: crontab muniscan.crontab\n"
        (folder / "muniscan.crontab").write_text(header + "".join(cron_line(j, db_url) for j in jobs))
        written.append(folder / "muniscan.crontab")
    return written
