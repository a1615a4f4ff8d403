"""What the snmp_write probe records (see `muniscan.scanner` for how)."""

from dataclasses import dataclass

from muniscan.facts.writes import WriteAttempt


@dataclass(frozen=True)
class SnmpWriteFacts:
    read_via: str  # the community that read the old value
    writes: tuple[WriteAttempt, ...]

    @property
    def accepted(self) -> tuple[WriteAttempt, ...]:
        return tuple(w for w in self.writes if w.accepted)
