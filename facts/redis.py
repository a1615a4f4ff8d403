"""What the redis probe records (see `muniscan.scanner` for how)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RedisFacts:
    answer: str  # the first line of the reply to PING, control characters removed
    auth_required: bool  # the server answered NOAUTH (or asked for AUTH) instead of PONG
    protected_mode: bool  # the server refused the connection in protected mode (DENIED)
    version: str | None = None  # redis_version from INFO server, read only when no login was needed
