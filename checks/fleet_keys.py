"""Shared helper for fleet checks that look for one secret key on several devices (GP-TM-49)."""

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from muniscan.checks.model import CheckResult, failed, passed
from muniscan.checks.views import AssetView, ServiceView

PEERS_SHOWN = 10


def shared_keys(
    assets: list[AssetView], fingerprint: Callable[[ServiceView], str | None], kind: str
) -> dict[str, CheckResult]:
    """Fail every device whose key (by `fingerprint`) another device also presents; pass the rest."""
    holders: defaultdict[str, dict[str, AssetView]] = defaultdict(dict)
    keys_of: defaultdict[str, dict[str, list[int]]] = defaultdict(dict)
    for asset in assets:
        for service in asset.services:
            key = fingerprint(service)
            if key:
                holders[key][asset.identity] = asset
                keys_of[asset.identity].setdefault(key, []).append(service.port)
    results: dict[str, CheckResult] = {}
    for identity, keys in keys_of.items():
        shared = {k: ports for k, ports in keys.items() if len(holders[k]) > 1}
        if not shared:
            results[identity] = passed(**{f"{kind}_keys": sorted(keys)})
            continue
        key, ports = sorted(shared.items())[0]
        peers = sorted(a.address for i, a in holders[key].items() if i != identity)
        evidence: dict[str, Any] = {
            "fingerprint": key,
            "ports": sorted(ports),
            "devices_sharing": len(holders[key]),
            "other_devices": peers[:PEERS_SHOWN],
        }
        if len(shared) > 1:
            evidence["other_shared_keys"] = sorted(shared)[1:]
        results[identity] = failed(**evidence)
    return results
