"""TLS readings several checks share: suite grades, protocol version order, and 'no certificate'.

Grades are judged here from the suite names the probe recorded, never stamped into stored facts,
so a changed grade re-judges old scans through `muniscan evaluate`:
- insecure: NULL encryption, anonymous key exchange (no server authentication), EXPORT, RC4, single
  DES, MD5 MACs: broken or trivially defeated.
- weak: 3DES (64-bit block, Sweet32) and CBC suites with a SHA-1 MAC (padding-oracle history,
  Lucky13), the suites Mozilla's "intermediate" profile dropped.
- acceptable: CBC with a SHA-2 MAC, or AEAD without forward secrecy (static RSA key exchange).
- strong: AEAD (GCM, ChaCha20-Poly1305) with ECDHE or DHE key exchange; every TLS 1.3 suite.
"""

import re
from dataclasses import dataclass

from muniscan.checks.model import CheckResult, not_applicable, unknown
from muniscan.facts.tls import CertificateFacts, CipherFacts, TlsFacts


@dataclass(frozen=True)
class SuiteGrade:
    grade: str  # strong, acceptable, weak, insecure, or unknown (a name no rule matches)
    reason: str = ""


# First match wins; the names are OpenSSL's.
SUITE_RULES: tuple[tuple[re.Pattern[str], SuiteGrade], ...] = (
    (re.compile(r"NULL"), SuiteGrade("insecure", "null")),
    (re.compile(r"^(ADH|AECDH)-"), SuiteGrade("insecure", "anonymous")),
    (re.compile(r"^EXP"), SuiteGrade("insecure", "export")),
    (re.compile(r"RC4"), SuiteGrade("insecure", "rc4")),
    (re.compile(r"(^|-)DES-CBC-"), SuiteGrade("insecure", "des")),
    (re.compile(r"MD5$"), SuiteGrade("insecure", "md5")),
    (re.compile(r"DES-CBC3|3DES"), SuiteGrade("weak", "3des")),
    (re.compile(r"^(ECDHE|DHE)-.*(GCM|CHACHA20-POLY1305)"), SuiteGrade("strong")),
    (re.compile(r"GCM|CHACHA20-POLY1305"), SuiteGrade("acceptable", "no-forward-secrecy")),
    (re.compile(r"-SHA$"), SuiteGrade("weak", "cbc-sha1")),
    (re.compile(r"-SHA(256|384)$"), SuiteGrade("acceptable", "cbc-sha2")),
)


def grade_suite(cipher: CipherFacts) -> SuiteGrade:
    """The grade of one accepted suite; every TLS 1.3 suite is AEAD with forward secrecy."""
    if cipher.version == "1.3":
        return SuiteGrade("strong")
    return next((grade for pattern, grade in SUITE_RULES if pattern.search(cipher.name)), SuiteGrade("unknown"))


def ciphers_graded(ciphers: tuple[CipherFacts, ...], *grades: str) -> tuple[CipherFacts, ...]:
    """The accepted suites whose grade is one of `grades`."""
    return tuple(c for c in ciphers if grade_suite(c).grade in grades)


def tls_version(label: str) -> tuple[int, ...]:
    """ "1.2" -> (1, 2), so protocol versions compare as numbers."""
    return tuple(int(part) for part in label.split("."))


def certificate_or_verdict(facts: TlsFacts) -> CertificateFacts | CheckResult:
    """The server's certificate, or the verdict when there is none to judge: unknown if it could not
    be read, else not applicable."""
    if facts.certificate is not None:
        return facts.certificate
    return unknown(facts.certificate_error) if facts.certificate_error else not_applicable()
