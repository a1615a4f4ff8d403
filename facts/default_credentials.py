"""What the default_credentials probe records (see `muniscan.scanner` for how)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class DefaultCredentialsFacts:
    service: str
    auth_required: bool | None  # None: could not be established (the service throttled or closed)
    attempts: int  # catalogue pairs tried, one login each
    accepted_account: str | None  # the account name only; the password is never kept
    matched_entries: tuple[str, ...]
    stopped: str  # accepted, exhausted, no login required, throttled, closed, no login found, no credentials
    login_scheme: str | None = None  # for web interfaces: basic or form
