"""The TLS certificate's public key is too short to resist factoring or discrete-log attacks."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, passed
from muniscan.checks.tls_grading import certificate_or_verdict
from muniscan.checks.views import ServiceView, judged_on
from muniscan.facts.tls import TlsFacts
from muniscan.policies.schema import Policy, Severity

METADATA = CheckMeta(
    id="tls_weak_key",
    title="TLS certificate uses a weak public key",
    severity=Severity.MEDIUM,
    level=Level.SERVICE,
    requires=("tls",),
    rationale=(
        "RSA and DSA keys under 2048 bits and elliptic-curve keys under 224 bits are below current "
        "guidance (ENISA, BSI TR-02102, NIST SP 800-57); 1024-bit RSA is within reach of well-funded attackers."
    ),
    remediation="Generate a key of at least RSA 2048 bits or ECDSA P-256 on the device and re-issue its certificate.",
    enisa=("GP-TM-34", "GP-TM-35"),
    etsi=("5.5-1",),
    owasp=("I7",),
)

MINIMUM_BITS = {"rsa": 2048, "dsa": 2048, "ec": 224}


@judged_on("tls")
def evaluate(service: ServiceView, facts: TlsFacts, policy: Policy) -> CheckResult:
    certificate = certificate_or_verdict(facts)
    if isinstance(certificate, CheckResult):
        return certificate
    minimum = MINIMUM_BITS.get(certificate.key_type)
    if minimum is not None and certificate.key_bits < minimum:
        return failed(
            port=service.port, key_type=certificate.key_type, key_bits=certificate.key_bits, minimum_bits=minimum
        )
    return passed(key_type=certificate.key_type, key_bits=certificate.key_bits)
