"""A city-sized store built through the store API from facts a real scan observed, with the time of each phase.

    .venv/bin/python benchmarks/city_store.py --devices 10000 --sites 5 --db /tmp/city.sqlite

Phase 1 scans a small generated lab (real protocol stacks on loopback, 127.105.10.0/24) and keeps each
host's facts. Phase 2 writes `--devices` hosts spread over `--sites` sites, each a copy of one scanned host
under a new address (127.110.x.y upwards: labels only, nothing is sent there), through the same
`record_host`, `mark_offline`, `fingerprint_scan` and `evaluate_scan` a scan uses, one scan row per site.
So store writes, judgement and findings are the real code on realistic facts; only the network part is
not repeated per device. Prints wall time and peak memory per phase, rows and size of the store.
"""

import argparse
import ipaddress
import os
import resource
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

SCANNED_BASE = "127.105.10.0"
STORE_BASE = ipaddress.ip_address("127.110.0.0")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def phase(name: str, rows: list[tuple[str, float, float]]) -> Iterator[None]:
    started = time.monotonic()
    yield
    rows.append((name, time.monotonic() - started, peak_mb()))
    print(f"  {name:<34} {rows[-1][1]:8.1f} s   peak RSS {rows[-1][2]:7.0f} MB", flush=True)


def scan_template_lab(count: int, seed: int) -> list:  # type: ignore[type-arg]
    """Scan a generated lab moved to this benchmark's own addresses; returns the HostRecords observed."""
    import yaml

    from muniscan.labs import runner
    from muniscan.labs.generate import generate
    from muniscan.labs.topology import load_topology
    from muniscan.pipeline import run_scan
    from muniscan.policies import load_policy
    from muniscan.store import Store

    topology = generate(count, seed, "bench-city-template")
    moved = yaml.safe_dump(topology, sort_keys=False).replace("127.78.0.", SCANNED_BASE.rsplit(".", 1)[0] + ".")
    folder = runner.fresh_folder("bench-city-template")
    path = folder / "topology.yaml"
    path.write_text(moved, encoding="utf-8")
    lab = load_topology(str(path))
    runner.start(lab, str(path), folder, netns_mode=False, shards=1, timeout=120)
    hosts: list = []  # type: ignore[type-arg]
    try:
        store = Store(f"sqlite:///{folder / 'template.sqlite'}")
        policy_path = folder / "policy.yaml"
        policy_path.write_text(yaml.safe_dump(yaml.safe_load(moved)["policy"]), encoding="utf-8")
        policy = load_policy(policy_path)
        run_scan(store, policy, [], progress=lambda _d, _t, host: hosts.append(host) if host.answered else None)
        store.dispose()
    finally:
        runner.down("bench-city-template")
    return hosts


def address(index: int) -> str:
    third, fourth = divmod(index, 254)
    return str(STORE_BASE + third * 256 + fourth + 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--sites", type=int, default=5)
    parser.add_argument("--template-devices", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", default=None, help="store URL or SQLite path (default: a new file in /tmp)")
    args = parser.parse_args()
    os.environ.setdefault("MUNISCAN_HOME", tempfile.mkdtemp(prefix="muniscan-bench-"))
    from sqlalchemy import func, select, table

    from muniscan.checks.registry import load_checks  # noqa: F401  (import cost outside the phases)
    from muniscan.fingerprinting import fingerprint_scan
    from muniscan.judging import evaluate_scan
    from muniscan.pipeline import _finish
    from muniscan.policies import policy_hash
    from muniscan.policies.loader import load_profile
    from muniscan.policies.schema import Scope as ScopePolicy
    from muniscan.store import Store, resolve_url
    from muniscan.store.inventory import mark_offline, record_host
    from muniscan.store.models import ScanRun, ScanStatus

    rows: list[tuple[str, float, float]] = []
    print(f"city store: {args.devices} devices over {args.sites} sites", flush=True)
    with phase(f"scan a {args.template_devices}-device lab", rows):
        hosts = scan_template_lab(args.template_devices, args.seed)
    url = resolve_url(args.db or str(Path(tempfile.mkdtemp(prefix="muniscan-city-")) / "city.sqlite"))
    store = Store(url)
    base = load_profile("enisa-baseline")
    ports = {("tcp", s.port) for h in hosts for s in h.services if s.transport == "tcp"}
    ports |= {("udp", s.port) for h in hosts for s in h.services if s.transport == "udp"}
    per_site = -(-args.devices // args.sites)
    write_s = fingerprint_s = judge_s = 0.0
    for site_index in range(args.sites):
        site = f"site-{site_index + 1}"
        indexes = range(site_index * per_site, min(args.devices, (site_index + 1) * per_site))
        addresses = [address(i) for i in indexes]
        policy = base.model_copy(
            update={
                "name": f"city-{site}",
                "scope": ScopePolicy(include=[f"{addresses[0]}-{addresses[-1]}"], never_touch_ports=["2024"]),
            }
        )
        with store.session() as session:
            scan = ScanRun(policy_name=policy.name, policy_hash=policy_hash(policy), site=site, targets=addresses[:1])
            session.add(scan)
            session.commit()
        started = time.monotonic()
        for i, addr in zip(indexes, addresses, strict=True):
            template = hosts[i % len(hosts)]
            with store.session() as session:  # as run_scan does: one transaction per host
                record_host(session, scan.id, replace(template, address=addr, mac=None), site, ports)  # type: ignore[arg-type]
                session.commit()
        write_s += time.monotonic() - started
        started = time.monotonic()
        with store.session() as session:
            mark_offline(session, scan.id, site, addresses, set(addresses))  # type: ignore[arg-type]
            fingerprint_scan(session, scan.id)  # type: ignore[arg-type]
            session.commit()
        fingerprint_s += time.monotonic() - started
        started = time.monotonic()
        evaluate_scan(store, scan, policy)
        judge_s += time.monotonic() - started
        _finish(store, scan, ScanStatus.COMPLETED, hosts=len(addresses), answering=len(addresses))
        print(f"  {site}: {len(addresses)} devices stored and judged (peak RSS {peak_mb():.0f} MB)", flush=True)
    for name, seconds in (
        ("store writes (record_host)", write_s),
        ("offline + fingerprinting", fingerprint_s),
        ("judgement + findings", judge_s),
    ):
        rows.append((name, seconds, peak_mb()))
        print(f"  {name:<34} {seconds:8.1f} s   ({args.devices / max(seconds, 1e-9):.0f} devices/s)")
    with store.engine.connect() as connection:
        counts = {
            t: connection.execute(select(func.count()).select_from(table(t))).scalar_one()
            for t in ("asset", "service", "observation", "evaluation", "finding", "findingevent")
        }
    size = Path(url.removeprefix("sqlite:///")).stat().st_size / 1e6 if url.startswith("sqlite") else None
    print("rows: " + ", ".join(f"{t} {n}" for t, n in counts.items()))
    print(f"store: {url}" + (f" ({size:.0f} MB)" if size else ""))
    store.dispose()


if __name__ == "__main__":
    main()
