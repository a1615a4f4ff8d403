"""Known IoT envelopes: keep what the device reported, set aside what the network added.

LoRaWAN network servers (The Things Stack v3 and the legacy v2 HTTP format, ChirpStack v3 and v4,
ThingPark) wrap a device's decoded payload in metadata about gateways, radio settings, tenants and
sessions, and gateway bridges publish frames and statistics of their own; OCPP frames carry a
message id and an action; Sparkplug B and SenML name their values in a sibling field. Network
metadata describes the municipality's own infrastructure, so it is device data unless a policy asks
to scan it.
"""

from __future__ import annotations

import json
from typing import Any

# OCPP actions whose payload describes the charging station itself (vendor, firmware, modem, status).
OCPP_DEVICE_ACTIONS = frozenset(
    {
        "BootNotification",
        "Heartbeat",
        "StatusNotification",
        "FirmwareStatusNotification",
        "DiagnosticsStatusNotification",
        "LogStatusNotification",
        "SecurityEventNotification",
        "NotifyEvent",
        "NotifyMonitoringReport",
        "NotifyReport",
    }
)
_SENML_VALUES = ("v", "vs", "vb", "vd")
_SENML_KEYS = frozenset({"bn", "bt", "bu", "bv", "bs", "bver", "n", "u", "v", "vs", "vb", "vd", "s", "t", "ut"})


def device_payload(document: Any) -> list[tuple[str, Any]] | None:
    """(path, sub-document) pairs that hold the device's own data, or None for an unknown shape.

    A Sparkplug metric or SenML record becomes a one-key dict {metric name: value}, so the name is
    read as the value's key, as in any JSON object.
    """
    if isinstance(document, dict):
        if "end_device_ids" in document and isinstance(document.get("uplink_message"), dict):
            return _tts(document)
        if isinstance(document.get("DevEUI_uplink"), dict):  # ThingPark: `payload` is the driver's decoding
            decoded = document["DevEUI_uplink"].get("payload")
            return [("DevEUI_uplink.payload", decoded)] if decoded else []
        if "payload_fields" in document and "hardware_serial" in document:  # The Things Network v2 (legacy)
            return [("payload_fields", document["payload_fields"])] if document["payload_fields"] else []
        if isinstance(document.get("deviceInfo"), dict) and ("rxInfo" in document or "devAddr" in document):
            obj = document.get("object")
            return [("object", obj)] if obj else []
        if "rxInfo" in document and ("devEUI" in document or "applicationID" in document):  # ChirpStack v3
            return _chirpstack_v3(document)
        if ("gatewayId" in document or "gatewayID" in document) and (
            "phyPayload" in document or "rxPacketsReceived" in document
        ):
            return []  # a gateway bridge's frame (encrypted) or statistics: the network's own data
        metrics = document.get("metrics")
        if isinstance(metrics, list) and metrics and all(isinstance(m, dict) and "name" in m for m in metrics):
            return [(f"metrics[{i}]", {str(m["name"]): m.get("value")}) for i, m in enumerate(metrics) if "value" in m]
        return None
    if isinstance(document, list) and document:
        if _is_ocpp(document):
            return _ocpp(document)
        if all(isinstance(r, dict) and r and _SENML_KEYS.issuperset(r) for r in document):
            return _senml(document)
    return None


def _chirpstack_v3(document: dict) -> list[tuple[str, Any]]:
    if document.get("object"):
        return [("object", document["object"])]
    if isinstance(document.get("objectJSON"), str) and document["objectJSON"]:
        try:
            return [("objectJSON", json.loads(document["objectJSON"]))]
        except ValueError:
            return [("objectJSON", document["objectJSON"])]
    return []


def _tts(document: dict) -> list[tuple[str, Any]]:
    uplink = document["uplink_message"]
    out = []
    for key in ("decoded_payload", "normalized_payload"):
        if uplink.get(key):
            out.append((f"uplink_message.{key}", uplink[key]))
    return out


def _is_ocpp(frame: list) -> bool:
    kind = frame[0]
    return (
        type(kind) is int
        and len(frame) >= 3
        and isinstance(frame[1], str)
        and ((kind == 2 and len(frame) == 4 and isinstance(frame[2], str)) or kind in (3, 4))
    )


def _ocpp(frame: list) -> list[tuple[str, Any]]:
    if frame[0] == 2:
        action, body = frame[2], frame[3]
        return [] if action in OCPP_DEVICE_ACTIONS else [(action, body)]
    if frame[0] == 3:
        return [("result", frame[2])]
    return [("error", frame[2:])]


def _senml(records: list[dict]) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for index, record in enumerate(records):
        base = record.get("bn")
        if isinstance(base, str) and base.lower().startswith("urn:imei:"):
            out.append((f"[{index}].bn", {"imei": base[9:].strip(":;/")}))
        name = str(record.get("n", ""))
        for key in _SENML_VALUES:
            if key in record:
                out.append((f"[{index}].{key}", {name or key: record[key]}))
    return out
