"""Per-device data-flow facts, stored as `dataflow` observations so the flow checks can judge them again.

Only categories, counts, masked samples and keyed hashes: a payload never becomes a fact.
"""

from dataclasses import dataclass

DATAFLOW = "dataflow"  # the observation's probe name


@dataclass(frozen=True)
class PersonalDataSeen:
    category: str
    count: int
    samples: tuple[str, ...]  # masked, e.g. 19******-**84
    hashes: tuple[str, ...]  # HMAC-SHA256 with the installation key, for matching across flows


@dataclass(frozen=True)
class TopicSeen:
    """An MQTT topic a flow carried (identifiers in it masked), its messages and the categories found in them."""

    topic: str
    messages: int
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class FlowFact:
    """One flow: who sent to whom, how, and what personal data and logins crossed it."""

    source: str  # empty when only the receiving broker is known (a subscription sees no publisher address)
    destination: str
    transport: str
    port: int
    protocol: str
    encrypted: bool
    server_name: str | None = None
    messages: int = 0
    byte_count: int = 0
    personal_data: tuple[PersonalDataSeen, ...] = ()
    credentials: tuple[str, ...] = ()  # the kind of login seen in clear, never the account or secret
    topics: tuple[TopicSeen, ...] = ()  # MQTT only; at most TOPICS_PER_FLOW, the busiest first

    @property
    def categories(self) -> dict[str, int]:
        return {p.category: p.count for p in self.personal_data}

    @property
    def endpoint(self) -> str:
        return f"{self.destination}:{self.port}/{self.transport}"


@dataclass(frozen=True)
class DataFlowFacts:
    observed_via: str  # mqtt_subscribe, capture or pcap
    flows: tuple[FlowFact, ...] = ()


def flow_evidence(flow: FlowFact) -> dict[str, object]:
    """What a finding may say about a flow: endpoints, protocol, categories with counts, masked samples."""
    evidence: dict[str, object] = {"flow": f"{flow.source or 'clients'} -> {flow.endpoint}", "protocol": flow.protocol}
    if flow.server_name:
        evidence["server_name"] = flow.server_name
    if flow.personal_data:
        evidence["categories"] = flow.categories
        evidence["masked_samples"] = {p.category: list(p.samples) for p in flow.personal_data}
    if flow.credentials:
        evidence["credentials"] = list(flow.credentials)
    return evidence
