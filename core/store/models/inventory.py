"""Assets (devices) and the services they expose."""

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel, UniqueConstraint

from muniscan.store.models.common import json_column, utcnow


class Asset(SQLModel, table=True):
    """A device, identified by MAC where known, else by site and address."""

    id: int | None = Field(default=None, primary_key=True)
    identity: str = Field(index=True, unique=True, max_length=200)
    site: str = Field(default="default", max_length=100)
    address: str = Field(index=True, max_length=64)
    mac: str | None = Field(default=None, max_length=32)
    vendor: str | None = Field(default=None, max_length=200)
    model: str | None = Field(default=None, max_length=200)
    firmware: str | None = Field(default=None, max_length=200)
    device_class: str | None = Field(default=None, max_length=100)
    first_seen: datetime = Field(default_factory=utcnow)
    last_seen: datetime = Field(default_factory=utcnow)
    online: bool = True
    identity_confidence: float | None = None
    # Which facts decided vendor, model, firmware and class: rule, fact, matched text, per field.
    identity_evidence: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())


class Service(SQLModel, table=True):
    """One open port on an asset, as last seen."""

    __table_args__ = (UniqueConstraint("asset_id", "transport", "port"),)

    id: int | None = Field(default=None, primary_key=True)
    asset_id: int = Field(foreign_key="asset.id", index=True)
    transport: str = Field(default="tcp", max_length=8)
    port: int
    name: str = Field(default="unknown", max_length=64)
    tls: bool = False
    banner: str = Field(default="", max_length=1024)
    open: bool = True
    first_seen: datetime = Field(default_factory=utcnow)
    last_seen: datetime = Field(default_factory=utcnow)
