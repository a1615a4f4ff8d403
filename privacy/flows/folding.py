"""Fold messages seen on flows into flow facts: personal-data categories with counts, masked samples, keyed hashes."""

from collections import Counter
from dataclasses import dataclass, field

from muniscan.facts.flows import DataFlowFacts, FlowFact, PersonalDataSeen, TopicSeen
from muniscan.privacy.detection.detector import PersonalDataDetector, is_personal_category
from muniscan.privacy.detection.masking import mask_topic

SAMPLES_PER_CATEGORY = 3
HASHES_PER_CATEGORY = 100
TOPICS_PER_FLOW = 50  # distinct (masked) topics kept per flow; the DPO needs where personal data goes, not all
MESSAGES_INSPECTED_PER_FLOW = 5000  # beyond this a flow is counted, not read: the categories are known by then


@dataclass(frozen=True)
class FlowKey:
    source: str
    destination: str
    transport: str
    port: int


@dataclass
class _FlowState:
    protocol: str
    encrypted: bool
    server_name: str | None = None
    messages: int = 0
    size: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    samples: dict[str, list[str]] = field(default_factory=dict)
    hashes: dict[str, list[str]] = field(default_factory=dict)
    credentials: set[str] = field(default_factory=set)
    topic_messages: Counter[str] = field(default_factory=Counter)
    topic_categories: dict[str, set[str]] = field(default_factory=dict)


class FlowAuditor:
    """Collects what each flow carried; the payloads pass through and are dropped."""

    def __init__(self, detector: PersonalDataDetector, deadline: float | None = None) -> None:
        self.detector = detector
        self.deadline = deadline  # time.monotonic(): messages after it are counted, not read
        self._flows: dict[FlowKey, _FlowState] = {}

    def flow(self, key: FlowKey, protocol: str, encrypted: bool, server_name: str | None = None) -> _FlowState:
        state = self._flows.get(key)
        if state is None:
            state = self._flows[key] = _FlowState(protocol, encrypted, server_name)
        else:
            state.encrypted = state.encrypted or encrypted
            state.server_name = state.server_name or server_name
            if state.protocol == "unknown":
                state.protocol = protocol
        return state

    def add_bytes(self, key: FlowKey, size: int) -> None:
        self._flows[key].size += size

    def message(self, key: FlowKey, payload: bytes | str, topic: str | None = None) -> None:
        """One application message on a flow, read for personal data unless the flow has had enough."""
        state = self._flows[key]
        state.messages += 1
        shown = mask_topic(topic) if topic is not None else None
        if shown is not None and (shown in state.topic_messages or len(state.topic_messages) < TOPICS_PER_FLOW):
            state.topic_messages[shown] += 1
        if state.messages > MESSAGES_INSPECTED_PER_FLOW:
            return
        for found in self.detector.scan_message(payload, topic, self.deadline):
            if not is_personal_category(found.category):  # an organisation number names no person
                continue
            if shown in state.topic_messages:
                state.topic_categories.setdefault(shown, set()).add(found.category)  # type: ignore[arg-type]
            state.counts[found.category] += 1
            samples = state.samples.setdefault(found.category, [])
            if found.masked not in samples and len(samples) < SAMPLES_PER_CATEGORY:
                samples.append(found.masked)
            hashes = state.hashes.setdefault(found.category, [])
            if found.keyed_hash not in hashes and len(hashes) < HASHES_PER_CATEGORY:
                hashes.append(found.keyed_hash)

    def credential(self, key: FlowKey, kind: str) -> None:
        self._flows[key].credentials.add(kind)

    def flows(self) -> list[FlowFact]:
        return [
            FlowFact(
                source=key.source,
                destination=key.destination,
                transport=key.transport,
                port=key.port,
                protocol=state.protocol,
                encrypted=state.encrypted,
                server_name=state.server_name,
                messages=state.messages,
                byte_count=state.size,
                personal_data=tuple(
                    PersonalDataSeen(category, count, tuple(state.samples[category]), tuple(state.hashes[category]))
                    for category, count in sorted(state.counts.items())
                ),
                credentials=tuple(sorted(state.credentials)),
                topics=tuple(
                    TopicSeen(topic, count, tuple(sorted(state.topic_categories.get(topic, ()))))
                    for topic, count in sorted(state.topic_messages.items(), key=lambda tc: (-tc[1], tc[0]))
                ),
            )
            for key, state in sorted(self._flows.items(), key=lambda item: _order(item[0]))
        ]

    def facts(self, observed_via: str) -> DataFlowFacts:
        return DataFlowFacts(observed_via, tuple(self.flows()))


def _order(key: FlowKey) -> tuple[str, str, int, str]:
    return (key.source, key.destination, key.port, key.transport)
