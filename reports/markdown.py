"""Markdown rendering; every value from a device is escaped so it cannot inject markup or HTML."""

import html
from typing import Any

from muniscan.text import terminal_safe


def cell(value: Any) -> str:
    """A table cell: no control characters, no HTML, no pipes or line breaks."""
    text = terminal_safe("" if value is None else str(value), limit=300)
    text = html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")
    for char in "`*_[]":
        text = text.replace(char, "\\" + char)
    return text


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines


def render_security(report: dict[str, Any]) -> str:
    summary, scan = report["summary"], report["scan"]
    out = [
        "# muniscan security report",
        "",
        f"Generated {report['generated_at']} by {report['generator']} from {cell(report['store'])}.",
        "",
    ]
    if scan:
        out += [
            f"Latest scan: #{scan['id']} at {scan['started_at']} under policy "
            f"{cell(scan['policy'])} ({scan['policy_hash']}), status {scan['status']}.",
            "",
        ]
    severities = ", ".join(f"{n} {s}" for s, n in sorted(summary["active_by_severity"].items())) or "none"
    out += [
        "## Summary",
        "",
        f"- Devices: {summary['devices']}; open services: {summary['services']}",
        f"- Findings: {summary['findings']} (active by severity: {severities})",
        f"- ENISA measures with active findings: {', '.join(summary['enisa_measures_failing']) or 'none'}",
        "",
        "## Findings",
        "",
    ]
    out += _table(
        ["Severity", "Status", "Check", "Device", "Port", "ENISA", "ETSI EN 303 645", "OWASP IoT"],
        [
            [
                f["severity"],
                f["status"],
                f["check_id"],
                f["address"],
                f["port"] or "",
                ", ".join(f["enisa"]),
                ", ".join(f["etsi"]),
                ", ".join(f["owasp"]),
            ]
            for f in report["findings"]
        ],
    )
    out += ["", "### Remediation", ""]
    for f in report["findings"]:
        out += [f"- **{cell(f['title'])}** on {cell(f['address'])}: {cell(f['remediation'])}"]
    out += ["", "## Devices", ""]
    out += _table(
        ["Address", "Vendor", "Model", "Firmware", "Services"],
        [
            [
                a["address"],
                a["vendor"],
                a["model"],
                a["firmware"],
                ", ".join(f"{s['port']}/{s['name']}" for s in a["services"]),
            ]
            for a in report["assets"]
        ],
    )
    return "\n".join(out) + "\n"
