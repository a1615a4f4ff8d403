"""Per-installation secret for keyed hashes: evidence can be matched across scans, not reversed."""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

KEY_BYTES = 32
KEY_FILE_NAME = "secret.key"


def muniscan_home() -> Path:
    """`$MUNISCAN_HOME`, else `~/.local/share/muniscan`; the key lives here, outside the database."""
    configured = os.environ.get("MUNISCAN_HOME")
    return Path(configured) if configured else Path.home() / ".local" / "share" / "muniscan"


def key_path() -> Path:
    """Where this installation's HMAC key is stored."""
    return muniscan_home() / KEY_FILE_NAME


def load_or_create_key(path: Path | None = None) -> bytes:
    """Read the key, creating it with mode 0600 on first use (O_EXCL: two processes never race)."""
    path = path or key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(secrets.token_bytes(KEY_BYTES))
    key = path.read_bytes()
    if len(key) < KEY_BYTES:
        raise ValueError(f"{path}: key file is shorter than {KEY_BYTES} bytes")
    if path.stat().st_mode & 0o077:
        raise PermissionError(f"{path}: key file must not be readable by group/others (chmod 600)")
    return key


def keyed_hash(value: str, key: bytes) -> str:
    """HMAC-SHA256 hex: same value, same installation, same token; useless without the key."""
    return hmac.digest(key, value.encode("utf-8"), "sha256").hex()
