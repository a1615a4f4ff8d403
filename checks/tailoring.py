"""Policy tailoring per device class: which requirements, checks and severities apply to an asset."""

import ipaddress
from dataclasses import replace
from functools import lru_cache

from muniscan.checks.registry import Check
from muniscan.checks.views import AssetView
from muniscan.policies.schema import DeviceClass, Policy, Requirements, Severity


@lru_cache(maxsize=4096)
def in_network(address: str, network: str) -> bool:
    """Whether an address lies in a CIDR or a first-last range; anything unparseable does not."""
    try:
        ip = ipaddress.ip_address(address)
        if "-" in network:
            first, last = (ipaddress.ip_address(p.strip()) for p in network.split("-", 1))
            return ip.version == first.version and first <= ip <= last  # type: ignore[operator]
        return ip in ipaddress.ip_network(network, strict=False)
    except ValueError:
        return False


def in_networks(address: str, networks: list[str]) -> bool:
    return any(in_network(address, n) for n in networks)


def device_class_of(asset: AssetView, policy: Policy) -> str | None:
    """Fingerprinting's class wins; else the first policy class that lists the asset's address."""
    if asset.device_class:
        return asset.device_class
    return next((name for name, c in policy.device_classes.items() if in_networks(asset.address, c.addresses)), None)


def device_class(policy: Policy, name: str | None) -> DeviceClass | None:
    return policy.device_classes.get(name) if name else None


def effective_requirements(policy: Policy, device_class_name: str | None) -> Requirements:
    """The policy's requirements with only the fields a device class sets replaced."""
    tailored = device_class(policy, device_class_name)
    if tailored is None or tailored.requirements is None:
        return policy.requirements
    return policy.requirements.model_copy(update=tailored.requirements.model_dump(exclude_unset=True))


def effective_severity(policy: Policy, check: Check) -> Severity:
    return policy.checks.severity.get(check.id, check.meta.severity)


def check_applies(policy: Policy, check_id: str, device_class_name: str | None) -> bool:
    """Whether the policy runs this check on devices of this class."""
    if policy.checks.enable and check_id not in policy.checks.enable:
        return False
    if check_id in policy.checks.disable:
        return False
    tailored = device_class(policy, device_class_name)
    return tailored is None or check_id not in tailored.disable_checks


def classified(asset: AssetView, policy: Policy) -> AssetView:
    """The view with the asset's effective device class set on it and on its services."""
    name = device_class_of(asset, policy)
    if name == asset.device_class and all(s.device_class == name for s in asset.services):
        return asset
    services = tuple(replace(s, device_class=name) for s in asset.services)
    return replace(asset, device_class=name, services=services)
