"""One logging set-up for every command: muniscan's own records at the chosen level, third parties quiet.

Libraries the scanner uses (Presidio, Alembic, Dramatiq, SQLAlchemy...) log at INFO about their own
housekeeping; those lines would bury a scheduler's or an agent's own records, so they show only from
WARNING up unless `--log-level debug` asks for everything.
"""

import logging
import sys
from enum import StrEnum
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUIET = (
    "presidio-analyzer",
    "decision_process",
    "alembic",
    "dramatiq",
    "sqlalchemy",
    "urllib3",
    "weasyprint",
    "fontTools",
    "asyncssh",
    "pika",
    "redis",
    "scapy",
)


class LogLevel(StrEnum):
    debug = "debug"
    info = "info"
    warning = "warning"
    error = "error"


_explicit = False
_installed: list[logging.Handler] = []  # the handler this set-up added, replaced when it runs again
_chosen: tuple[LogLevel | None, Path | None] = (None, None)


def current_setup() -> tuple[str | None, str | None]:
    """The level and file in effect, for a spawned process to set up the same way."""
    level = logging.getLevelName(logging.getLogger("muniscan").level).lower()
    return level, (str(_chosen[1]) if _chosen[1] else None)


def setup_logging(level: LogLevel | None, log_file: Path | None) -> None:
    """Records go to stderr (or to `log_file`, appended); without --log-level only warnings and errors show."""
    global _explicit, _chosen
    _explicit, _chosen = level is not None, (level, log_file)
    chosen = getattr(logging, (level or LogLevel.warning).value.upper())
    handler: logging.Handler
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(log_file, encoding="utf-8")
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    for old in [h for h in root.handlers if h in _installed]:
        root.removeHandler(old)
        old.close()
    _installed[:] = [handler]
    root.addHandler(handler)
    root.setLevel(chosen)
    third_party = chosen if chosen == logging.DEBUG else max(chosen, logging.WARNING)
    for name in QUIET:
        logging.getLogger(name).setLevel(third_party)
    logging.getLogger("muniscan").setLevel(chosen)


def default_to_info() -> None:
    """Long-running commands (scheduler, agent) log their own records at INFO unless --log-level said otherwise."""
    if not _explicit:
        logging.getLogger().setLevel(logging.INFO)
        logging.getLogger("muniscan").setLevel(logging.INFO)
