"""What a run covered (scope, ports, probe classes, checks that reached a verdict), stored on its ScanRun.

The findings lifecycle and the reports read coverage from here, so "fixed" and "not tested" rest on
the same record of what was actually probed.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from muniscan.policies.schema import Policy


def port_ranges(ports: Iterable[int]) -> str:
    """Compact text for a port set: [21, 22, 23, 80] -> "21-23,80"."""
    runs: list[list[int]] = []
    for port in sorted(set(ports)):
        if runs and port == runs[-1][1] + 1:
            runs[-1][1] = port
        else:
            runs.append([port, port])
    return ",".join(str(low) if low == high else f"{low}-{high}" for low, high in runs)


@dataclass(frozen=True)
class PortCoverage:
    """The ports a run probed, per transport; unknown coverage covers nothing."""

    tcp: frozenset[int]
    udp: frozenset[int]

    @classmethod
    def of(cls, scan: Any) -> "PortCoverage":
        ports = scan.ports or {}
        return cls(_parse(ports.get("tcp", "")), _parse(ports.get("udp", "")))

    def covers(self, endpoint: str) -> bool:
        """ "tcp/23" (or "23" for TCP) lies in the ports this run probed."""
        transport, _, port = endpoint.rpartition("/")
        try:
            number = int(port)
        except ValueError:
            return False
        return number in (self.udp if transport == "udp" else self.tcp)


def _parse(text: str) -> frozenset[int]:
    """ "21-23,80" -> {21, 22, 23, 80}; the inverse of port_ranges."""
    ports: set[int] = set()
    for part in filter(None, text.split(",")):
        first, _, last = part.partition("-")
        ports.update(range(int(first), int(last or first) + 1))
    return frozenset(ports)


def ports_record(tcp: Iterable[int], udp: Iterable[int]) -> dict[str, str]:
    return {"tcp": port_ranges(tcp), "udp": port_ranges(udp)}


def scope_record(policy: Policy) -> dict[str, Any]:
    return {
        "include": list(policy.scope.include),
        "exclude": list(policy.scope.exclude),
        "never_touch_ports": [str(p) for p in policy.scope.never_touch_ports],
    }


def probe_classes(policy: Policy) -> list[str]:
    return sorted(c.value for c in policy.probes.allow)


def checks_reaching_a_verdict(judgements: Iterable[Any]) -> list[str]:
    """Checks that passed or failed somewhere in the run: the ones it can speak for."""
    return sorted({j.check.id for j in judgements if j.result.verdict.value in ("pass", "fail")})


def run_record(run: Any) -> dict[str, Any]:
    """A run as `muniscan scans --json` and the reports' method sections list it."""
    return {
        "id": run.id,
        "kind": run.kind,
        "site": run.site,
        "status": run.status,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "policy": run.policy_name,
        "policy_hash": run.policy_hash,
        "targets": run.targets,
        "scope": run.scope,
        "ports": run.ports,
        "probe_classes": run.probe_classes,
        "checks_run": run.checks_run,
        "counts": run.counts,
        "error": run.error,
    }
