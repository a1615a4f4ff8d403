"""The tables. Each module holds one area; importing this package registers them all."""

from muniscan.store.models.agents import Agent, AgentRoute, AgentRun, AgentRunStatus, RegisteredPolicy
from muniscan.store.models.events import AssetEvent, AssetEventKind
from muniscan.store.models.findings import Finding, FindingEvent, FindingStatus, RiskAcceptance
from muniscan.store.models.inventory import Asset, Service
from muniscan.store.models.privacy import DataFlow, DatasetAudit
from muniscan.store.models.scans import ESTATE_KINDS, Evaluation, Observation, ScanKind, ScanRun, ScanStatus
from muniscan.store.models.schedule import RunStatus, Schedule, ScheduleRun

__all__ = [
    "ESTATE_KINDS",
    "Agent",
    "AgentRoute",
    "AgentRun",
    "AgentRunStatus",
    "Asset",
    "AssetEvent",
    "AssetEventKind",
    "DataFlow",
    "DatasetAudit",
    "Evaluation",
    "Finding",
    "FindingEvent",
    "FindingStatus",
    "Observation",
    "RegisteredPolicy",
    "RiskAcceptance",
    "RunStatus",
    "ScanKind",
    "ScanRun",
    "ScanStatus",
    "Schedule",
    "ScheduleRun",
    "Service",
]
