"""What the modbus_write probe records (see `muniscan.scanner` for how)."""

from dataclasses import dataclass

from muniscan.facts.writes import WriteAttempt


@dataclass(frozen=True)
class ModbusWriteFacts:
    unit: int
    write: WriteAttempt
    exception_code: int | None = None  # the device's refusal of the write, when it refused
