"""Run the procurement scan: scope narrowed to the one sample device, intrusive probes allowed for this run."""

from muniscan.pipeline import ScanOutcome, run_scan
from muniscan.policies.schema import Intrusiveness, Policy
from muniscan.scanner.scope import OutOfScope, Scope
from muniscan.store import Store
from muniscan.store.models import ScanKind


def sample_policy(base: Policy, address: str) -> Policy:
    """The base policy with scope = this device only and `intrusive` allowed; the base scope must include it."""
    if not Scope.from_policy(base.scope).contains(address):
        raise OutOfScope(f"{address} is not in the scope of policy {base.name!r}; a procurement test stays in scope")
    scope = base.scope.model_copy(update={"include": [address], "exclude": []})
    allow = sorted({*base.probes.allow, Intrusiveness.INTRUSIVE}, key=list(Intrusiveness).index)
    probes = base.probes.model_copy(update={"allow": allow})
    return base.model_copy(update={"name": f"{base.name}+procurement", "scope": scope, "probes": probes})


def scan_sample(store: Store, base: Policy, address: str, site: str) -> ScanOutcome:
    return run_scan(store, sample_policy(base, address), [address], site=site, kind=ScanKind.PROCUREMENT)
