"""What the mqtt_subscribe probe records (see `muniscan.scanner` for how)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class CapturedMessage:
    topic: str
    payload: bytes
    retained: bool


@dataclass(frozen=True)
class MqttSubscribeFacts:
    enabled: bool  # false when the policy sets probes.mqtt_subscribe_seconds to 0
    anonymous_accepted: bool
    subscribed: bool
    listened_seconds: float
    messages: int
    retained: int
    topics: int
    topic_names: tuple[str, ...]  # masked where a level looks like an identifier
    tls: bool

    @property
    def captured(self) -> tuple[CapturedMessage, ...]:
        """The messages read in this scan, for the privacy audit; not a field, so never serialised."""
        return getattr(self, "_captured", ())

    def holding(self, captured: list[CapturedMessage]) -> "MqttSubscribeFacts":
        object.__setattr__(self, "_captured", tuple(captured))
        return self
