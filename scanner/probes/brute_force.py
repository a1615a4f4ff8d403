"""Brute-force protection (intrusive, opt-in): after N wrong logins, does the device slow down or lock out?

Sends `policy.probes.brute_force_attempts` wrong passwords for the account "admin", one per
connection, and stops at the first sign of protection (HTTP 429, FTP 421, a lockout message, a
refused connection or answers that grow slower). A web login must first prove it exists: a form whose
action answers 404 or 405 has no login behind it, so there is nothing to protect and nothing to report.
It can lock the real admin account out for the device's lockout period: schedule it with the asset owner.
"""

import secrets
import time

from muniscan.facts.brute_force import BruteForceFacts
from muniscan.policies.schema import Intrusiveness, Policy
from muniscan.scanner.credentials.login import Outcome, ftp_login, http_login, ssh_login, telnet_login
from muniscan.scanner.gate import Gate
from muniscan.scanner.probes.base import ProbeSpec, ServiceTarget
from muniscan.scanner.probes.default_credentials import discover_web_login

SERVICE_OF = {"telnet": "telnet", "ssh": "ssh", "ftp": "ftp", "http": "http", "https": "http"}
ACCOUNT = "admin"
SLOWER_BY = 1.0  # seconds an answer must grow by (and at least double) to count as a deliberate delay


def slowed_down(first: float, latest: float) -> bool:
    return latest >= first + SLOWER_BY and latest >= 2 * first


async def probe_brute_force(gate: Gate, target: ServiceTarget, policy: Policy) -> BruteForceFacts:
    service = SERVICE_OF[target.name or ""]
    web = None
    if service == "http":
        web, _ = await discover_web_login(gate, target)
        if web is None:
            return BruteForceFacts(service, 0, False, (), 0.0, 0.0, login_found=False)

    async def wrong_login() -> Outcome:
        password = secrets.token_urlsafe(10)
        if web is not None:
            return await http_login(gate, target, web, ACCOUNT, password)
        attempt = {"telnet": telnet_login, "ssh": ssh_login, "ftp": ftp_login}[service]
        return await attempt(gate, target, ACCOUNT, password)

    endpoint = f"{'GET' if web.scheme == 'basic' else 'POST'} {web.path} ({web.scheme})" if web else service
    timings: list[float] = []
    signals: list[str] = []
    for number in range(1, policy.probes.brute_force_attempts + 1):
        started = time.monotonic()
        try:
            outcome = await wrong_login()
        except (ConnectionError, TimeoutError, OSError):
            outcome = Outcome.CLOSED
        timings.append(time.monotonic() - started)
        if outcome is Outcome.NO_LOGIN:  # the form's target does not exist: there is no login to protect
            return BruteForceFacts(
                service, number, False, (f"{endpoint} answered as missing",), 0.0, 0.0, False, endpoint
            )
        if outcome is Outcome.THROTTLED:
            signals.append(f"lockout or rate limit after {number} wrong logins")
        elif outcome is Outcome.CLOSED:
            signals.append(f"connection refused or dropped after {number} wrong logins")
        elif outcome is Outcome.ACCEPTED:
            signals.append(f"a random password was accepted at attempt {number}: no password check")
        elif slowed_down(timings[0], timings[-1]):
            signals.append(f"answers slowed from {timings[0]:.1f}s to {timings[-1]:.1f}s")
        if signals:
            break
    protected = bool(signals) and not signals[0].startswith("a random password")
    return BruteForceFacts(
        service, len(timings), protected, tuple(signals), round(timings[0], 3), round(timings[-1], 3), True, endpoint
    )


PROBE = ProbeSpec(
    name="brute_force",
    intrusiveness=Intrusiveness.INTRUSIVE,
    facts_type=BruteForceFacts,
    applies=lambda t: t.transport == "tcp" and (t.name or "") in SERVICE_OF,
    run=probe_brute_force,
    description="N wrong logins: does the service delay, rate-limit or lock out (may lock the admin account)",
)
