"""Where muniscan keeps its files: one home folder the user can see and move."""

import os
from pathlib import Path


def home() -> Path:
    """MUNISCAN_HOME, else the XDG data folder; created on first use."""
    explicit = os.environ.get("MUNISCAN_HOME")
    if explicit:
        base = Path(explicit)
    else:
        xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        base = Path(xdg) / "muniscan"
    base.mkdir(parents=True, exist_ok=True, mode=0o700)  # the store and secret.key live here
    return base


def default_database_path() -> Path:
    return home() / "muniscan.sqlite"


def lab_state_dir() -> Path:
    path = home() / "labs"
    path.mkdir(parents=True, exist_ok=True)
    return path
