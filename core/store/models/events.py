"""What changed about a device between scans: new, offline, back online, firmware, ports."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Field, SQLModel

from muniscan.store.models.common import json_column, utcnow


class AssetEventKind(StrEnum):
    NEW_DEVICE = "new_device"
    WENT_OFFLINE = "went_offline"
    BACK_ONLINE = "back_online"
    FIRMWARE_CHANGED = "firmware_changed"
    PORT_OPENED = "port_opened"
    PORT_CLOSED = "port_closed"


class AssetEvent(SQLModel, table=True):
    """One change to an asset, noticed by one scan (or import)."""

    id: int | None = Field(default=None, primary_key=True)
    asset_id: int = Field(foreign_key="asset.id", index=True)
    scan_id: int | None = Field(default=None, foreign_key="scanrun.id", index=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    kind: str = Field(max_length=32)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
