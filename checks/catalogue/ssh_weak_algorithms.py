"""An SSH server offers key exchange, host key, cipher or MAC algorithms that are broken or deprecated."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, passed
from muniscan.checks.ssh_grading import weak_algorithms
from muniscan.checks.views import ServiceView, judged_on
from muniscan.facts.ssh import SshFacts
from muniscan.policies.schema import Policy, Severity

METADATA = CheckMeta(
    id="ssh_weak_algorithms",
    title="SSH server offers weak algorithms",
    severity=Severity.MEDIUM,
    level=Level.SERVICE,
    requires=("ssh",),
    rationale=(
        "1024-bit and SHA-1 key exchange, SHA-1 host-key signatures, CBC/3DES/RC4 ciphers and MD5 or "
        "SHA-1 MACs are deprecated (RFC 9142, ssh-audit); a downgrade or a weak client exposes the session."
    ),
    remediation=(
        "Offer only curve25519-sha256 (or ECDH/DH group 16+ with SHA-2), ssh-ed25519 or rsa-sha2 host keys "
        "of at least 2048 bits, AES-GCM/ChaCha20-Poly1305/AES-CTR ciphers and SHA-2 (ETM) MACs."
    ),
    enisa=("GP-TM-34",),
    etsi=("5.5-1",),
    owasp=("I7",),
)


@judged_on("ssh")
def evaluate(service: ServiceView, facts: SshFacts, policy: Policy) -> CheckResult:
    weak = weak_algorithms(facts)
    if facts.host_key_type == "ssh-rsa" and facts.host_key_bits and facts.host_key_bits < 2048:
        weak.setdefault("host_key", []).append(f"RSA host key of {facts.host_key_bits} bits")
    if weak:
        return failed(port=service.port, weak=weak, software=facts.software)
    return passed(kex=list(facts.kex[:3]), host_key=facts.host_key_type)
