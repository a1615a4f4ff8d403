"""Given SSH, FTP and banner facts, the algorithm, anonymous-FTP, plaintext-FTP and version checks judge them."""

from dataclasses import replace

import pytest

from muniscan.checks.catalogue import (
    ftp_anonymous_login,
    ftp_plaintext_service,
    ssh_weak_algorithms,
    version_disclosure_banner,
)
from muniscan.checks.model import Verdict
from muniscan.facts.ftp import FtpFacts
from muniscan.facts.http import HttpFacts
from muniscan.facts.ssh import SshFacts

from .conftest import POLICY, bare, service

MODERN_SSH = SshFacts(
    banner="SSH-2.0-TrafikSSH",
    software="TrafikSSH",
    kex=("curve25519-sha256", "ext-info-s", "kex-strict-s-v00@openssh.com"),
    host_key_algorithms=("ssh-ed25519", "rsa-sha2-512"),
    ciphers=("chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com", "aes256-ctr"),
    macs=("hmac-sha2-256-etm@openssh.com", "hmac-sha2-512"),
    host_key_type="ssh-ed25519",
    host_key_bits=256,
    host_key_sha256="SHA256:abc",
)
SSH_CASES = [
    ("modern", MODERN_SSH, Verdict.PASS, None),
    ("group1 kex", replace(MODERN_SSH, kex=("diffie-hellman-group1-sha1",)), Verdict.FAIL, "kex"),
    ("group14 sha1 kex", replace(MODERN_SSH, kex=("diffie-hellman-group14-sha1",)), Verdict.FAIL, "kex"),
    ("ssh-rsa signatures", replace(MODERN_SSH, host_key_algorithms=("ssh-rsa",)), Verdict.FAIL, "host_key"),
    ("3des", replace(MODERN_SSH, ciphers=("3des-cbc",)), Verdict.FAIL, "cipher"),
    ("aes-cbc", replace(MODERN_SSH, ciphers=("aes128-cbc",)), Verdict.FAIL, "cipher"),
    ("arcfour", replace(MODERN_SSH, ciphers=("arcfour256",)), Verdict.FAIL, "cipher"),
    ("hmac-md5", replace(MODERN_SSH, macs=("hmac-md5",)), Verdict.FAIL, "mac"),
    ("hmac-sha1", replace(MODERN_SSH, macs=("hmac-sha1",)), Verdict.FAIL, "mac"),
    ("RSA-1024 host key", replace(MODERN_SSH, host_key_type="ssh-rsa", host_key_bits=1024), Verdict.FAIL, "host_key"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "facts", "verdict", "kind"), SSH_CASES, ids=[c[0] for c in SSH_CASES])
def test_ssh_weak_algorithms(case: str, facts: SshFacts, verdict: Verdict, kind: str | None) -> None:
    result = ssh_weak_algorithms.evaluate(service("ssh", facts, port=22), POLICY)
    assert result.verdict is verdict
    if kind:
        assert list(result.evidence["weak"]) == [kind]


FTP_OPEN = FtpFacts("220 Flodia WL-2 FTP ready", True, "230 Login successful.", False)
FTP_CLOSED = replace(FTP_OPEN, anonymous_accepted=False, anonymous_reply="530 Anonymous access not allowed.")


@pytest.mark.parametrize(("facts", "verdict"), [(FTP_OPEN, Verdict.FAIL), (FTP_CLOSED, Verdict.PASS)])
def test_ftp_anonymous_login(facts: FtpFacts, verdict: Verdict) -> None:
    assert ftp_anonymous_login.evaluate(service("ftp", facts, port=21), POLICY).verdict is verdict


def test_ftp_checks_without_evidence() -> None:
    assert ftp_anonymous_login.evaluate(service("ftp", error="timeout"), POLICY).verdict is Verdict.UNKNOWN
    assert ftp_anonymous_login.evaluate(bare("http", 80), POLICY).verdict is Verdict.NOT_APPLICABLE
    assert ftp_plaintext_service.evaluate(bare("http", 80), POLICY).verdict is Verdict.NOT_APPLICABLE


def test_ftp_plaintext_fails_on_any_ftp_service_and_says_whether_tls_was_offered() -> None:
    result = ftp_plaintext_service.evaluate(service("ftp", replace(FTP_CLOSED, auth_tls_offered=True), port=21), POLICY)
    assert result.verdict is Verdict.FAIL and result.evidence["auth_tls_offered"] is True


def http_with(server: str | None, powered_by: str | None = None) -> HttpFacts:
    return HttpFacts(False, 200, server, powered_by, None, "none", None, False, None, (), (), (), ())


VERSION_CASES = [
    ("http server with version", service("http", http_with("lighttpd/1.4.35"), port=80), Verdict.FAIL),
    ("http powered-by with version", service("http", http_with("Lumen", "PHP/5.6.40"), port=80), Verdict.FAIL),
    ("http generic server", service("http", http_with("Klimatec-BMS-Web"), port=80), Verdict.PASS),
    ("ssh software with version", bare("ssh", 22, "SSH-2.0-OpenSSH_7.4p1"), Verdict.FAIL),
    ("ssh without version", bare("ssh", 22, "SSH-2.0-TrafikSSH"), Verdict.PASS),
    ("ftp greeting with version", bare("ftp", 21, "220 (vsFTPd 2.3.4)"), Verdict.FAIL),
    ("ftp generic greeting", bare("ftp", 21, "220 Flodia WL-2 FTP ready"), Verdict.PASS),
    ("nothing announced", bare("mqtt", 1883), Verdict.NOT_APPLICABLE),
]


@pytest.mark.parametrize(("case", "view", "verdict"), VERSION_CASES, ids=[c[0] for c in VERSION_CASES])
def test_version_disclosure(case: str, view, verdict: Verdict) -> None:
    assert version_disclosure_banner.evaluate(view, POLICY).verdict is verdict
