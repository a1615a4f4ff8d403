"""Given hashed MACs from vendor prefixes no list in the code names, when audited, then they are reversed from
the IEEE registry's ranking within the budget, and what was tried is stated."""

import csv
import hashlib
import math
import random
from pathlib import Path

import pytest

from muniscan.privacy.datasets.audit import audit_dataset
from muniscan.privacy.datasets.mac_vendors import ranked_prefixes, registry_entries
from muniscan.privacy.datasets.reversal import reverse_hashes

PRIVACY_SOURCE = Path(__file__).resolve().parents[2] / "privacy"


def _first_prefix(vendor: str) -> str:
    return next(p.prefix for p in ranked_prefixes() if p.vendor == vendor)


def _colon(prefix: str, rest: int) -> str:
    return ":".join([prefix[0:2], prefix[2:4], prefix[4:6], *(f"{(rest >> s) & 255:02x}" for s in (16, 8, 0))])


def test_registry_ranking_covers_the_phone_wearable_and_iot_vendors():
    ranked = ranked_prefixes()
    vendors = {p.vendor for p in ranked}
    assert {"Apple", "Samsung", "Huawei", "Xiaomi", "Google", "Garmin", "Espressif", "Raspberry Pi"} <= vendors
    registry = {prefix for prefix, _ in registry_entries()}
    assert len(registry) > 30000 and all(p.prefix in registry for p in ranked)
    assert len(ranked) == len({p.prefix for p in ranked}) > 4000
    # proportional interleaving: the vendors with most blocks lead, and a small vendor is not left to the end
    assert [p.vendor for p in ranked[:3]] == ["Apple", "Huawei", "Samsung"]
    assert next(i for i, p in enumerate(ranked) if p.vendor == "Garmin") < len(ranked) // 5


@pytest.mark.slow
def test_people_counter_hashed_from_unlisted_prefixes_is_reversed_within_the_budget(tmp_path, detector):
    """Phones under the first-ranked Huawei, Samsung and Xiaomi blocks, any fourth octet: none of these prefixes
    is written anywhere in the code, so only the registry's ranking can find them."""
    prefixes = [_first_prefix(v) for v in ("Huawei", "Samsung", "Xiaomi")]
    source = " ".join(p.read_text() for p in PRIVACY_SOURCE.rglob("*.py")).lower()
    assert not any(prefix in source or _colon(prefix, 0)[:8] in source for prefix in prefixes)
    rng = random.Random(41)
    macs = [_colon(prefix, rng.randrange(2**24)) for prefix in prefixes for _ in range(4)]
    path = tmp_path / "people_counter.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["visitor_mac_hash", "zone"])
        for mac in macs:
            writer.writerow([hashlib.sha256(mac.encode()).hexdigest(), "torget"])
    budget = 600
    report = audit_dataset(path, ["zone"], budget_seconds=budget, detector=detector)
    reversal = report.hash_reversal["visitor_mac_hash"]
    assert reversal.reversed_hashes == reversal.distinct_hashes == len(set(macs))
    assert reversal.seconds < budget and not reversal.exhausted_budget
    assert reversal.mac_notation == "colon_lower" and reversal.mac_prefixes_planned == len(ranked_prefixes())
    assert reversal.hashes_per_second > 0 and reversal.seconds_to_exhaust
    singling = next(v for v in report.verdicts if v.risk == "singling out")
    assert any("identifiable: hashing without a secret key is not pseudonymisation (EDPB Guidelines 01/2025" in r
               for r in singling.reasons)  # fmt: skip
    print(f"\n{len(set(macs))} hashes reversed in {reversal.seconds:.1f} s: {reversal.limits()}")


def test_an_exhausted_budget_states_what_was_tried_and_what_trying_all_would_take():
    digest = hashlib.sha256(b"not a mac at all").hexdigest()
    report, recovered = reverse_hashes([digest], kinds=("mac",), budget_seconds=0.5, workers=1)
    assert not recovered and report.exhausted_budget
    assert report.mac_prefixes_planned == len(ranked_prefixes()) and report.candidates_tried >= 65536
    assert report.seconds_to_exhaust == pytest.approx(report.candidates_planned / report.hashes_per_second)
    assert report.candidates_planned == len(ranked_prefixes()) * 7 * 2**24
    text = report.limits()
    assert f"of {len(ranked_prefixes()):,} MAC vendor prefixes" in text
    assert f"--budget {math.ceil(report.seconds_to_exhaust)})" in text
    assert "not shown to be safe" in text


def test_randomised_macs_in_clear_are_reported_as_such(tmp_path, detector):
    path = tmp_path / "probes.csv"
    universal = ["3c:22:fb:10:20:30", "3c:22:fb:10:20:31"]
    randomised = ["da:a1:19:00:00:01", "7a:11:22:33:44:55", "36:0b:0c:0d:0e:0f"]  # 0x02 bit of octet 1 set
    path.write_text("mac,zone\n" + "".join(f"{m},z1\n" for m in universal + randomised))
    report = audit_dataset(path, ["zone"], budget_seconds=0, detector=detector)
    assert report.randomised_macs == {"mac": (3, 5)}
    linking = next(v for v in report.verdicts if v.risk == "linkability")
    assert any(r.startswith("3 of 5 MAC addresses in 'mac' are locally administered (randomised")
               for r in linking.reasons)  # fmt: skip
