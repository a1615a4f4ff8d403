"""Charts as inline SVG drawn here, so an HTML or PDF report needs no script and no outside resource.

Every text placed in a chart is escaped; the functions return markup ready to embed.
"""

from html import escape
from typing import Any

SEVERITY_COLOURS = {
    "critical": "#7b1fa2",
    "high": "#c62828",
    "medium": "#ef6c00",
    "low": "#f9a825",
    "info": "#607d8b",
}
# Matrix states: only "pass" is green; untested and document-only measures are greys, never green.
STATE_COLOURS = {
    "fail": "#c62828",
    "partial": "#ef8f00",
    "pass": "#2e7d32",
    "not tested": "#cfd8dc",
    "manual": "#eceff1",
}
DARK_TEXT_STATES = ("not tested", "manual")
FONT = 'font-family="Segoe UI, DejaVu Sans, Arial, sans-serif"'


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width:{width}px" {FONT} font-size="12">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def severity_over_time(history: list[dict[str, Any]], labels: dict[str, str], title: str) -> str:
    """Stacked bars: active findings per severity after each completed scan (the last 24)."""
    points = history[-24:]
    width, height, left, bottom, top = 640, 240, 40, 40, 16
    plot_w, plot_h = width - left - 140, height - bottom - top
    peak = max([p["active"] for p in points] + [1])
    step = plot_w / max(len(points), 1)
    bar = min(36.0, step * 0.7)
    body = [f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#90a4ae"/>']
    for tick in sorted({0, peak // 2, peak}):
        y = top + plot_h - plot_h * tick / peak
        body.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#546e7a">{tick}</text>')
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#eceff1"/>')
    for i, point in enumerate(points):
        x = left + step * i + (step - bar) / 2
        y = top + plot_h
        for severity, colour in SEVERITY_COLOURS.items():
            count = point["by_severity"].get(severity, 0)
            if not count:
                continue
            h = plot_h * count / peak
            y -= h
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour}">'
                f"<title>#{point['scan_id']}: {count} {escape(labels.get(severity, severity))}</title></rect>"
            )
        body.append(
            f'<text x="{x + bar / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle" fill="#546e7a">'
            f"#{point['scan_id']}</text>"
        )
    for i, (severity, colour) in enumerate(SEVERITY_COLOURS.items()):
        y = top + 8 + i * 20
        body.append(f'<rect x="{left + plot_w + 24}" y="{y - 9}" width="12" height="12" fill="{colour}"/>')
        body.append(f'<text x="{left + plot_w + 42}" y="{y + 1}">{escape(labels.get(severity, severity))}</text>')
    return _svg(width, height, title, body)


def horizontal_bars(counts: dict[str, int], title: str, colour: str = "#1565c0") -> str:
    """One bar per label, longest first; used for devices by class."""
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:16]
    width, row, left = 640, 24, 220
    height = max(row * len(items) + 8, 32)
    peak = max([n for _, n in items] + [1])
    body = []
    for i, (label, count) in enumerate(items):
        y = 4 + i * row
        w = (width - left - 50) * count / peak
        body.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" fill="#263238">{escape(label[:40])}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" rx="3" fill="{colour}"/>'
            f'<text x="{left + w + 6:.1f}" y="{y + 15}" fill="#263238">{count}</text>'
        )
    return _svg(width, height, title, body)


def coverage_grid(measures: list[dict[str, Any]], labels: dict[str, str], title: str) -> str:
    """One square per ENISA technical measure, coloured by its compliance-matrix state."""
    technical = [m for m in measures if m["id"].startswith("GP-TM-")]
    size, gap, per_row, left, top = 30, 4, 19, 4, 4
    rows = (len(technical) + per_row - 1) // per_row
    width = left + per_row * (size + gap)
    height = top + rows * (size + gap) + 34
    body = []
    for i, m in enumerate(technical):
        x, y = left + (i % per_row) * (size + gap), top + (i // per_row) * (size + gap)
        text_colour = "#263238" if m["state"] in DARK_TEXT_STATES else "#ffffff"
        body.append(
            f"<g><title>{escape(m['id'])}: {escape(m['title'])} ({escape(labels.get(m['state'], m['state']))})"
            f'</title><rect x="{x}" y="{y}" width="{size}" height="{size}" rx="3" fill="{STATE_COLOURS[m["state"]]}"/>'
            f'<text x="{x + size / 2}" y="{y + 19}" text-anchor="middle" font-size="11" fill="{text_colour}">'
            f"{escape(m['id'][-2:])}</text></g>"
        )
    y = top + rows * (size + gap) + 14
    x = left
    for state, colour in STATE_COLOURS.items():
        label = escape(labels.get(state, state))
        body.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        body.append(f'<text x="{x + 17}" y="{y}">{label}</text>')
        x += 40 + 7 * len(labels.get(state, state))
    return _svg(width, height, title, body)
