"""One write sent to prove write access, shared by the write-verification probes."""

from dataclasses import dataclass


@dataclass(frozen=True)
class WriteAttempt:
    """One write sent to prove write access: the object, what it held, what was written, what it holds after."""

    target: str  # the object written, e.g. "sysLocation.0" or "holding register 0 (unit 1)"
    via: str  # how: "v2c:private" (the community masked unless well known), "function 6"
    old: str
    new: str  # always the old value: the write changes nothing
    accepted: bool
    after: str | None = None  # read back after the write; None when it could not be read
    restored: bool | None = None  # the object holds its old value again; None when nothing was written
