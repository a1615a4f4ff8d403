"""What the bacnet probe records (see `muniscan.scanner` for how)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class BacnetProperty:
    name: str
    readable: bool
    value: str = ""  # terminal-safe, at most 128 characters
    error: str = ""  # "property: unknown-property", "reject: ...", "no answer"


@dataclass(frozen=True)
class BacnetFacts:
    answered_who_is: bool
    device_instance: int
    vendor_identifier: int | None
    properties: tuple[BacnetProperty, ...]

    @property
    def readable(self) -> tuple[BacnetProperty, ...]:
        return tuple(p for p in self.properties if p.readable)

    def value(self, name: str) -> str:
        return next((p.value for p in self.properties if p.name == name and p.readable), "")
