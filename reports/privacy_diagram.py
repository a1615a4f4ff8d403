"""The data-flow map drawn as inline SVG: devices on the left, recipients on the right, one line per flow.

Red: personal data in clear; orange: a login or other clear-text flow; green: encrypted. No scripts.
"""

from html import escape
from typing import Any

from muniscan.reports.charts import FONT

ROW = 26
WIDTH = 760
COLOURS = {"personal": "#c62828", "clear": "#ef6c00", "encrypted": "#2e7d32"}


def _kind(flow: dict[str, Any]) -> str:
    if flow["encrypted"]:
        return "encrypted"
    return "personal" if flow["categories"] else "clear"


def flow_map(flows: list[dict[str, Any]], labels: dict[str, str], title: str) -> str:
    """One box per device and per recipient; a line per flow labelled with protocol and port."""
    devices = sorted({f["device"] or labels["clients"] for f in flows})
    recipients = sorted({f"{f['destination']}" for f in flows})
    height = max(len(devices), len(recipients), 1) * ROW + 60
    left = {d: 40 + i * ROW for i, d in enumerate(devices)}
    right = {r: 40 + i * ROW for i, r in enumerate(recipients)}
    names = {f["destination"]: f["server_name"] for f in flows if f["server_name"]}
    body = [
        f'<text x="10" y="20" font-weight="600">{escape(labels["devices"])}</text>',
        f'<text x="{WIDTH - 250}" y="20" font-weight="600">{escape(labels["recipients"])}</text>',
    ]
    for f in flows:
        y1, y2 = left[f["device"] or labels["clients"]], right[f["destination"]]
        colour = COLOURS[_kind(f)]
        dash = "" if f["categories"] or not f["encrypted"] else ' stroke-dasharray="4 3"'
        body.append(
            f'<line x1="200" y1="{y1}" x2="{WIDTH - 260}" y2="{y2}" stroke="{colour}" stroke-width="2"{dash}>'
            f"<title>{escape(f['protocol'])}/{f['port']} {escape(', '.join(f['categories']))}</title></line>"
        )
        body.append(
            f'<text x="{(200 + WIDTH - 260) // 2}" y="{(y1 + y2) // 2 - 3}" font-size="10" fill="{colour}" '
            f'text-anchor="middle">{escape(f["protocol"])}/{f["port"]}</text>'
        )
    for device, y in left.items():
        body.append(f'<rect x="10" y="{y - 10}" width="190" height="20" rx="4" fill="#e8eef3" stroke="#90a4ae"/>')
        body.append(f'<text x="16" y="{y + 4}">{escape(device[:28])}</text>')
    for recipient, y in right.items():
        label = recipient + (f" ({names[recipient]})" if recipient in names else "")
        body.append(
            f'<rect x="{WIDTH - 260}" y="{y - 10}" width="250" height="20" rx="4" fill="#fff8e1" stroke="#f9a825"/>'
        )
        body.append(f'<text x="{WIDTH - 254}" y="{y + 4}">{escape(label[:38])}</text>')
    legend_y = height - 14
    for i, (kind, colour) in enumerate(COLOURS.items()):
        x = 10 + i * 220
        body.append(
            f'<line x1="{x}" y1="{legend_y}" x2="{x + 24}" y2="{legend_y}" stroke="{colour}" stroke-width="3"/>'
        )
        body.append(f'<text x="{x + 30}" y="{legend_y + 4}">{escape(labels[kind])}</text>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'style="max-width:{WIDTH}px" {FONT} font-size="12"><title>{escape(title)}</title>' + "".join(body) + "</svg>"
    )
