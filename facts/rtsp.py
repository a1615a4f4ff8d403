"""What the rtsp probe records (see `muniscan.scanner` for how)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RtspAnswer:
    path: str
    status: int


@dataclass(frozen=True)
class RtspFacts:
    server: str
    methods: tuple[str, ...]
    answers: tuple[RtspAnswer, ...]
    auth_schemes: tuple[str, ...]  # from WWW-Authenticate: Basic, Digest
    open_path: str | None  # the first path whose DESCRIBE answered 200 without credentials
