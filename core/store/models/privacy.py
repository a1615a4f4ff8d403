"""Data flows seen in device traffic, and dataset audits: what the DPO report reads.

Nothing here holds a raw personal value: categories with counts, masked samples, and keyed
hashes (HMAC with the installation key, which lives outside the database) for matching.
"""

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel, UniqueConstraint

from muniscan.store.models.common import json_column, utcnow


class DataFlow(SQLModel, table=True):
    """One device → destination flow, as first and last seen; refreshed by every capture that sees it."""

    __table_args__ = (UniqueConstraint("flow_key"),)

    id: int | None = Field(default=None, primary_key=True)
    flow_key: str = Field(max_length=64)  # sha256 of site, source, destination, transport and port
    asset_id: int | None = Field(default=None, foreign_key="asset.id", index=True)
    site: str = Field(default="default", max_length=100)
    source: str = Field(default="", max_length=64)  # empty: the broker's clients, not known by address
    destination: str = Field(max_length=64)
    server_name: str | None = Field(default=None, max_length=255)  # from the capture's own DNS or TLS SNI
    transport: str = Field(default="tcp", max_length=8)
    port: int
    protocol: str = Field(max_length=32)
    encrypted: bool = False
    observed_via: str = Field(max_length=32)  # mqtt_subscribe, capture, pcap
    messages: int = 0
    byte_count: int = 0
    # {category: count}; {category: [masked, ...]}; {category: [keyed hash, ...]}
    categories: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    samples: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    hashes: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    credentials: list[str] = Field(default_factory=list, sa_column=json_column())  # kinds, e.g. "ftp USER/PASS"
    # MQTT: {masked topic: {"messages": n, "categories": [...]}}
    topics: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    first_seen: datetime = Field(default_factory=utcnow)
    last_seen: datetime = Field(default_factory=utcnow)
    last_scan_id: int | None = Field(default=None, foreign_key="scanrun.id")


class DatasetAudit(SQLModel, table=True):
    """One audit of a dataset claimed to be anonymous: the WP216 verdicts and the metrics behind them."""

    id: int | None = Field(default=None, primary_key=True)
    path: str = Field(max_length=1000)
    sha256: str = Field(max_length=64, index=True)
    rows: int = 0
    personal_data: bool = False
    verdict: str = Field(max_length=32)  # anonymous, pseudonymised, personal
    report: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    audited_at: datetime = Field(default_factory=utcnow)
