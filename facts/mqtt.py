"""What the mqtt probe records (see `muniscan.scanner` for how)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class MqttFacts:
    anonymous_accepted: bool
    return_code: int
    return_text: str
    tls: bool
