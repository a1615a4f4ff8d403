"""Judge a stored scan and make it count: every verdict stored, findings updated; no network.

Both a fresh scan and `muniscan evaluate` (another policy, changed grades) come through here.
"""

from pathlib import Path

from muniscan.checks.judge import Judgement, build_views, enabled_checks, judge
from muniscan.checks.registry import load_checks
from muniscan.coverage import checks_reaching_a_verdict
from muniscan.lifecycle import apply
from muniscan.policies import Policy, policy_hash
from muniscan.store import Store
from muniscan.store.models import ScanRun
from muniscan.verdicts import record_evaluations


def evaluate_scan(
    store: Store,
    scan: ScanRun,
    policy: Policy,
    checks_dirs: tuple[Path, ...] = (),
    update_findings: bool = True,
) -> list[Judgement]:
    """Judge a stored scan under a policy, store every verdict, and update findings; touches no network."""
    checks = enabled_checks(load_checks(checks_dirs), policy)
    with store.session() as session:
        judgements = judge(build_views(session, scan.id), checks, policy)  # type: ignore[arg-type]
        record_evaluations(session, scan.id, judgements, policy.name, policy_hash(policy))  # type: ignore[arg-type]
        if update_findings:
            counts = apply(session, scan, judgements, policy)
            scan.counts = {**scan.counts, **counts}
            scan.checks_run = checks_reaching_a_verdict(judgements)
            session.add(scan)
        session.commit()
    return judgements
