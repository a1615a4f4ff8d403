"""What the brute_force probe records (see `muniscan.scanner` for how)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class BruteForceFacts:
    service: str
    attempts: int  # wrong logins sent
    protected: bool
    signals: tuple[str, ...]
    first_seconds: float
    last_seconds: float
    login_found: bool = True
    endpoint: str = ""  # what was tried: "POST /login (form)", "GET /admin (basic)", or the service name
