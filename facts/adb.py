"""What the adb probe records (see `muniscan.scanner` for how)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class AdbFacts:
    auth_required: bool
    connected: bool  # the device answered CNXN with its own banner: a shell is one request away
    product_model: str = ""
    product_name: str = ""
    product_device: str = ""
