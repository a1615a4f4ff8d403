"""A certificate the TLS service presents is signed with SHA-1 or MD5, whose collisions are practical."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, passed
from muniscan.checks.tls_grading import certificate_or_verdict
from muniscan.checks.views import ServiceView, judged_on
from muniscan.facts.tls import TlsFacts
from muniscan.policies.schema import Policy, Severity

METADATA = CheckMeta(
    id="tls_weak_signature",
    title="TLS certificate signed with a weak hash (SHA-1 or MD5)",
    severity=Severity.MEDIUM,
    level=Level.SERVICE,
    requires=("tls",),
    rationale=(
        "Chosen-prefix collisions for MD5 and SHA-1 are practical (SHAttered, SHA-1 is a Shambles), so a "
        "certificate signed with them can be forged; browsers and libraries reject them."
    ),
    remediation="Re-issue the certificate (and any intermediate) with a SHA-256 or stronger signature.",
    enisa=("GP-TM-34", "GP-TM-35"),
    etsi=("5.5-1",),
    owasp=("I7",),
)

WEAK_HASHES = frozenset({"md2", "md4", "md5", "sha1"})


@judged_on("tls")
def evaluate(service: ServiceView, facts: TlsFacts, policy: Policy) -> CheckResult:
    certificate = certificate_or_verdict(facts)
    if isinstance(certificate, CheckResult):
        return certificate
    # The root's own signature does not matter (it is trusted by being installed); the others do.
    signed = [certificate, *(c for c in facts.chain if not c.self_signed)]
    weak = [c for c in signed if c.signature_algorithm.lower() in WEAK_HASHES]
    if weak:
        return failed(port=service.port, certificates=[f"{c.subject}: {c.signature_algorithm}" for c in weak])
    return passed(signature_algorithm=certificate.signature_algorithm)
