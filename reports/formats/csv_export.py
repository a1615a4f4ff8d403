"""CSV for spreadsheets: one row per finding or per asset, and no cell can start a formula.

Two dialects: `comma` (RFC 4180, what scripts expect) and `excel-sv` (semicolon-separated with a UTF-8 byte
order mark: a Swedish Excel, whose list separator is the semicolon, opens it in columns with å, ä and ö
intact). Swedish reports default to `excel-sv`.
"""

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from muniscan.reports.i18n import Messages
from muniscan.reports.safe import csv_cell

FINDING_COLUMNS = [
    "id", "severity", "status", "confidence", "check_id", "title", "site", "address", "transport", "port", "service",
    "device_class", "endpoint", "enisa", "etsi", "owasp", "change", "exception", "exception_by",
    "exception_reason", "exception_until", "first_seen", "last_seen", "evidence", "remediation", "fingerprint",
]  # fmt: skip
ASSET_COLUMNS = [
    "address", "identity", "site", "mac", "vendor", "model", "firmware", "device_class", "first_seen",
    "last_seen", "services", "active_findings", "highest_severity",
]  # fmt: skip
SEVERITIES = ("critical", "high", "medium", "low", "info")


@dataclass(frozen=True)
class CsvDialect:
    delimiter: str
    byte_order_mark: bool


DIALECTS = {"comma": CsvDialect(",", False), "excel-sv": CsvDialect(";", True)}


def dialect_for(lang: str, chosen: str | None = None) -> CsvDialect:
    """The dialect asked for, else the one the report's language implies."""
    if chosen is not None and chosen not in DIALECTS:
        raise ValueError(f"CSV dialect must be one of {', '.join(DIALECTS)}, not {chosen!r}")
    return DIALECTS[chosen or ("excel-sv" if lang == "sv" else "comma")]


def _write(columns: list[str], rows: list[dict[str, Any]], dialect: CsvDialect) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=dialect.delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(c)) for c in columns])
    return ("\ufeff" if dialect.byte_order_mark else "") + out.getvalue()


def findings(report: dict[str, Any], messages: Messages, dialect: str | None = None) -> str:
    rows = []
    for f in report["findings"]:
        exception = f.get("exception") or {}
        rows.append(
            {
                **f,
                **{k: " ".join(f[k]) for k in ("enisa", "etsi", "owasp")},
                "exception": exception.get("kind"),
                "exception_by": exception.get("by"),
                "exception_reason": exception.get("reason"),
                "exception_until": exception.get("until"),
                "evidence": json.dumps(f["evidence"], ensure_ascii=False, sort_keys=True),
            }
        )
    return _write(FINDING_COLUMNS, rows, dialect_for(messages.lang, dialect))


def assets(report: dict[str, Any], messages: Messages, dialect: str | None = None) -> str:
    active: dict[str, list[str]] = {}
    for f in report["findings"]:
        if f["status"] in ("open", "confirmed"):
            active.setdefault(f["address"], []).append(f["severity"])
    rows = []
    for a in report["assets"]:
        severities = active.get(a["address"], [])
        rows.append(
            {
                **a,
                "services": " ".join(f"{s['transport']}/{s['port']}/{s['name']}" for s in a["services"]),
                "active_findings": len(severities),
                "highest_severity": min(severities, key=SEVERITIES.index) if severities else "",
            }
        )
    return _write(ASSET_COLUMNS, rows, dialect_for(messages.lang, dialect))
