"""MAC vendor from the IEEE OUI registry that netaddr ships (offline: nothing is fetched at run time)."""

from functools import cache

from netaddr import EUI, AddrFormatError, NotRegisteredError


@cache
def vendor_for_mac(mac: str) -> str | None:
    """The registered organisation for the MAC's OUI, or None (unknown, local or malformed)."""
    try:
        address = EUI(mac)
        if int(address) >> 41 & 1:  # locally administered: no registry entry can apply
            return None
        return str(address.oui.registration().org).strip() or None
    except (AddrFormatError, NotRegisteredError, ValueError, IndexError, TypeError):
        return None


def oui_prefix(mac: str) -> str:
    """The first three octets only, so evidence never carries the whole MAC."""
    return ":".join(mac.lower().replace("-", ":").split(":")[:3])
