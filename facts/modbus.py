"""What the modbus probe records (see `muniscan.scanner` for how)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ModbusFacts:
    answered: bool  # a Modbus response came back, with data or an exception code
    exception_code: int | None = None
    vendor_name: str = ""
    product_code: str = ""
    revision: str = ""
    vendor_url: str = ""
    product_name: str = ""
    model_name: str = ""
