"""A camera that describes its stream to anyone lets anyone watch it."""

from muniscan.checks.model import CheckMeta, CheckResult, Level, failed, passed, unknown
from muniscan.checks.views import ServiceView, judged_on
from muniscan.facts.rtsp import RtspFacts
from muniscan.policies.schema import Policy, Severity

METADATA = CheckMeta(
    id="rtsp_stream_without_auth",
    title="RTSP camera stream available without authentication",
    severity=Severity.HIGH,
    level=Level.SERVICE,
    requires=("rtsp",),
    rationale=(
        "The camera answered DESCRIBE with its stream description to a client that sent no credentials, so "
        "anyone on the network can watch and record the video of people in public space."
    ),
    remediation=(
        "Require Digest authentication (or RTSP over TLS) for every stream path, with a unique password per "
        "camera, and restrict RTSP to the video management system."
    ),
    enisa=("GP-TM-29", "GP-TM-44"),
    etsi=("5.5-4", "5.8-2"),
    owasp=("I2", "I6"),
)


@judged_on("rtsp")
def evaluate(service: ServiceView, facts: RtspFacts, policy: Policy) -> CheckResult:
    if facts.open_path is not None:
        return failed(port=service.port, path=facts.open_path, server=facts.server)
    if facts.auth_schemes:
        return passed(auth=list(facts.auth_schemes))
    # No stream path from the short list exists: nothing was shown, but nothing was proven either.
    tried = [f"{a.path} {a.status}" for a in facts.answers]
    return unknown(f"no known stream path answered ({', '.join(tried)})")
