"""What the postgres probe records (see `muniscan.scanner` for how)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PostgresFacts:
    tls_offered: bool  # the server answered SSLRequest with 'S'
    # What the server asked of a made-up role: "password", "md5", "scram" (it wants a secret), "trust"
    # (AuthenticationOk, or the role found missing without a password asked), "rejected" (no
    # pg_hba.conf entry for us), or "other".
    authentication: str
    sqlstate: str | None = None
    message: str | None = None
