"""The greeting a service sent on connect, as discovery received it (no extra traffic)."""

from muniscan.facts.banner import BannerFacts
from muniscan.policies.schema import Intrusiveness, Policy
from muniscan.scanner.gate import Gate
from muniscan.scanner.probes.base import ProbeSpec, ServiceTarget
from muniscan.text import printable_banner

HEAD_BYTES = 64


async def record_banner(gate: Gate, target: ServiceTarget, policy: Policy) -> BannerFacts:
    return BannerFacts(printable_banner(target.banner), len(target.banner), target.banner[:HEAD_BYTES].hex())


PROBE = ProbeSpec(
    name="banner",
    intrusiveness=Intrusiveness.PASSIVE,
    facts_type=BannerFacts,
    applies=lambda t: t.transport == "tcp",
    run=record_banner,
    description="What the service said first when discovery connected",
)
