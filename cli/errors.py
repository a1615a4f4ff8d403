"""One top-level handler: an input, configuration or environment problem exits 2 with one line naming the file,
line or field; anything unexpected exits 3 with "internal error" and the path of a log holding the traceback.
Exit 1 stays reserved for findings at or above --fail-on."""

import errno
import os
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
from sqlalchemy.exc import DBAPIError, OperationalError
from typer.core import TyperGroup

from muniscan.cli.output import EXIT_USAGE, errors, safe

EXIT_INTERNAL = 3


def _is_input_error(exc: BaseException) -> bool:
    """Errors muniscan raises about what it was given (all ValueError or PermissionError subclasses defined in
    muniscan: bad policy, file, scope, dataset, capture, agent job)."""
    return isinstance(exc, ValueError | PermissionError) and type(exc).__module__.startswith("muniscan.")


def describe(exc: BaseException) -> str | None:
    """The one-line message for an error that is the user's or the environment's to fix; None when unexpected."""
    if _is_input_error(exc):
        return str(exc)
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text (byte {exc.start}): {exc.reason}"
    if isinstance(exc, OSError) and exc.errno in _ENVIRONMENT_ERRNOS:
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}"
    if isinstance(exc, OperationalError) or (isinstance(exc, DBAPIError) and exc.connection_invalidated):
        detail = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [""])[0]
        return f"the store cannot be reached or dropped the connection: {detail}"
    return None


_ENVIRONMENT_ERRNOS = {
    errno.ENOENT,
    errno.EISDIR,
    errno.ENOTDIR,
    errno.EACCES,
    errno.EPERM,
    errno.ENOSPC,
    errno.EROFS,
    errno.EDQUOT,
    errno.EEXIST,
    errno.ENAMETOOLONG,
    errno.EFBIG,
}


def log_internal_error(exc: BaseException) -> Path:
    """Write the traceback where the user can find it: MUNISCAN_HOME/logs, else the temporary folder."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    text = "".join(traceback.format_exception(exc))
    for folder in (_home_logs(), Path(tempfile.gettempdir())):
        if folder is None:
            continue
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, name = tempfile.mkstemp(prefix=f"muniscan-internal-error-{stamp}-", suffix=".log", dir=folder)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            return Path(name)
        except OSError:
            continue
    return Path("(no log could be written)")


def _home_logs() -> Path | None:
    try:
        from muniscan.paths import home

        return home() / "logs"
    except OSError:
        return None


class HandledGroup(TyperGroup):
    """The root command group: every command's exceptions end here."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:  # the one place every error is turned into an exit code
            if type(exc).__module__.startswith(("typer", "click")):
                raise  # exits, aborts and usage errors of the command line itself: they say what they mean
            message = describe(exc)
            if message is not None:
                errors.print(safe(f"error: {message}", limit=4000), soft_wrap=True)
                raise typer.Exit(EXIT_USAGE) from None
            path = log_internal_error(exc)
            errors.print(safe(f"internal error: {type(exc).__name__}: {exc}", limit=500), soft_wrap=True)
            errors.print(safe(f"the traceback is in {path}; please report it with that file", limit=4000))
            raise typer.Exit(EXIT_INTERNAL) from None
