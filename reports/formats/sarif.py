"""SARIF 2.1.0: findings for code-scanning dashboards, with network locations, baseline state and suppressions.

Locations are network endpoints (tcp://address:port) given as logical locations and artifact URIs;
partialFingerprints carry the finding fingerprint so a consumer can follow a finding across scans.
"""

import json
from typing import Any

from muniscan import __version__
from muniscan.reports.i18n import Messages

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
# The 0-10 score GitHub-style consumers read from `security-severity`.
SCORE = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "0.0"}


def _rule(rule: dict[str, Any]) -> dict[str, Any]:
    references = (
        [f"ENISA:{m}" for m in rule["enisa"]]
        + [f"ETSI-EN-303-645:{p}" for p in rule["etsi"]]
        + [f"OWASP-IoT-2018:{i}" for i in rule["owasp"]]
    )
    help_md = (
        f"**Why it matters.** {rule['rationale']}\n\n**Remediation.** {rule['remediation']}\n\n"
        f"**References.** {', '.join(references)}"
    )
    return {
        "id": rule["id"],
        "name": "".join(part.title() for part in rule["id"].split("_")),
        "shortDescription": {"text": rule["title"]},
        "fullDescription": {"text": rule["rationale"]},
        "help": {"text": f"{rule['rationale']} Remediation: {rule['remediation']}", "markdown": help_md},
        "defaultConfiguration": {"level": LEVEL[rule["severity"]]},
        "properties": {
            "tags": ["security", "iot", *references],
            "security-severity": SCORE[rule["severity"]],
            "precision": "high",
            "enisa": rule["enisa"],
            "etsi-en-303-645": rule["etsi"],
            "owasp-iot-2018": rule["owasp"],
            "intrusiveness": rule["intrusiveness"],
        },
    }


def _suppression(exception: dict[str, Any]) -> dict[str, Any]:
    if exception["kind"] == "accepted":
        justification = f"Risk accepted by {exception['by']} until {exception['until']}: {exception['reason']}"
    else:
        justification = f"False positive (by {exception['by']} on {exception['at']}): {exception['reason']}"
    return {"kind": "external", "status": "accepted", "justification": justification}


def _result(f: dict[str, Any], rule_index: dict[str, int]) -> dict[str, Any]:
    where = f"{f['address']}:{f['port']}" if f["port"] is not None else f["address"]
    result: dict[str, Any] = {
        "ruleId": f["check_id"],
        "level": LEVEL.get(f["severity"], "warning"),
        "message": {"text": f"{f['title']} on {where}" + (f" ({f['service']})" if f["service"] else "")},
        "locations": [
            {
                "physicalLocation": {"artifactLocation": {"uri": f["endpoint"]}},
                "logicalLocations": [
                    {"name": where, "fullyQualifiedName": f["endpoint"], "kind": "resource"},
                ],
            }
        ],
        "partialFingerprints": {"muniscanFinding/v1": f["fingerprint"]},
        "properties": {
            "status": f["status"],
            "confidence": f["confidence"],
            "severity": f["severity"],
            "firstSeen": f["first_seen"],
            "lastSeen": f["last_seen"],
            "deviceClass": f["device_class"],
            "evidence": f["evidence"],
            "enisa": f["enisa"],
            "etsi-en-303-645": f["etsi"],
            "owasp-iot-2018": f["owasp"],
        },
    }
    if f["check_id"] in rule_index:
        result["ruleIndex"] = rule_index[f["check_id"]]
    if f.get("change"):
        result["baselineState"] = f["change"]
    if f.get("exception"):
        result["suppressions"] = [_suppression(f["exception"])]
        result["properties"]["exception"] = f["exception"]
    return result


def build(report: dict[str, Any]) -> dict[str, Any]:
    rules = report["rules"]
    rule_index = {r["id"]: i for i, r in enumerate(rules)}
    # A finding fixed before the latest scan is history, not a result of this run.
    shown = [f for f in report["findings"] if f["status"] != "fixed" or f.get("change") == "absent"]
    scan = report.get("scan") or {}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "muniscan",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": [_rule(r) for r in rules],
            }
        },
        "results": [_result(f, rule_index) for f in shown],
        "columnKind": "unicodeCodePoints",
        "properties": {"store": report["store"], "generatedAt": report["generated_at"]},
    }
    if scan:
        run["automationDetails"] = {"id": f"muniscan/{scan['policy']}/scan-{scan['id']}"}
        run["invocations"] = [
            {
                "executionSuccessful": scan["status"] == "completed",
                "startTimeUtc": scan["started_at"],
                **({"endTimeUtc": scan["finished_at"]} if scan.get("finished_at") else {}),
                "properties": {"policy": scan["policy"], "policyHash": scan["policy_hash"]},
            }
        ]
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render(report: dict[str, Any], messages: Messages) -> str:
    return json.dumps(build(report), indent=2, ensure_ascii=False) + "\n"
