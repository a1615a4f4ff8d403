"""Which SSH algorithms a server offers are weak, and why (after ssh-audit's fail/warn lists).

Judged here, not in the probe, so a changed grade applies to old scans through `muniscan evaluate`.
"""

import re

from muniscan.facts.ssh import SshFacts

# Weak algorithms by kind, with why (after ssh-audit's policy).
WEAK_PATTERNS: dict[str, list[tuple[re.Pattern[str], str]]] = {
    "kex": [
        (re.compile(r"sha1$|sha1@|^rsa1024"), "SHA-1 or 1024-bit key exchange"),
        (re.compile(r"group1-"), "1024-bit Diffie-Hellman group"),
    ],
    "host_key": [(re.compile(r"^ssh-rsa$|^ssh-dss$|sha1"), "SHA-1 signature (or DSA)")],
    "cipher": [
        (re.compile(r"-cbc|^3des|^des|^arcfour|^blowfish|^cast128|^none$"), "CBC mode, 64-bit block or RC4"),
    ],
    "mac": [
        (re.compile(r"md5"), "MD5"),
        (re.compile(r"sha1"), "SHA-1"),
        (re.compile(r"-96|umac-64"), "truncated tag"),
        (re.compile(r"^none$"), "no integrity"),
    ],
}


def weak_algorithms(facts: SshFacts) -> dict[str, list[str]]:
    """Each offered algorithm that is weak, keyed by kind, with the reason."""
    offered = {"kex": facts.kex, "host_key": facts.host_key_algorithms, "cipher": facts.ciphers, "mac": facts.macs}
    found: dict[str, list[str]] = {}
    for kind, names in offered.items():
        for name in names:
            reason = next((why for pattern, why in WEAK_PATTERNS[kind] if pattern.search(name)), None)
            if reason:
                found.setdefault(kind, []).append(f"{name} ({reason})")
    return found
