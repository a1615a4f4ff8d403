"""Self-contained HTML: Jinja2 with autoescaping, inline CSS and inline SVG charts, no scripts or links out.

Each report kind has a template `templates/<kind>.html` extending `base.html`; a kind may add
derived values (charts) through a context function here.
"""

import re
from collections.abc import Callable
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from muniscan.reports import charts
from muniscan.reports.coverage import coverage_sentence
from muniscan.reports.evidence import evidence_lines
from muniscan.reports.i18n import Messages

_env = Environment(
    loader=PackageLoader("muniscan.reports", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_BREAK_AFTER = re.compile(r"([_./,:=+-])(?=\S)")


def breakable(value: Any) -> Markup:
    """Escaped text with a break opportunity after _ . / , : = + - so a long token wraps at those points, not
    at the page edge; the characters themselves are kept, so copied or extracted text reads as stored."""
    return Markup(_BREAK_AFTER.sub(r"\1<wbr>", str(escape("" if value is None else value))))


_env.filters["breakable"] = breakable
_env.globals["evidence_lines"] = evidence_lines


def _security(report: dict[str, Any], t: Messages) -> dict[str, Any]:
    severity_labels = {s: t.term("severity", s) for s in charts.SEVERITY_COLOURS}
    state_labels = {s: t.term("coverage", s) for s in charts.STATE_COLOURS}
    by_id = {f["id"]: f for f in report["findings"]}
    by_address: dict[str, list[dict[str, Any]]] = {}
    by_check: dict[str, list[dict[str, Any]]] = {}
    for f in report["findings"]:
        by_address.setdefault(f["address"], []).append(f)
        by_check.setdefault(f["check_id"], []).append(f)
    return {
        "top_risks": [by_id[i] for i in report["top_risks"] if i in by_id],
        "by_address": by_address,
        "by_check": by_check,
        "chart_history": Markup(
            charts.severity_over_time(report["history"], severity_labels, t("chart.severity_over_time"))
        ),
        "chart_classes": Markup(charts.horizontal_bars(
            {t.term("device_class", k): v for k, v in report["devices_by_class"].items()}, t("chart.devices_by_class")
        )),
        "coverage_sentence": coverage_sentence(t, report["coverage"]["technical_counts"]),
        "chart_coverage": Markup(
            charts.coverage_grid(report["coverage"]["measures"], state_labels, t("chart.coverage"))
        ),
    }


def _privacy(report: dict[str, Any], t: Messages) -> dict[str, Any]:
    from muniscan.reports.privacy_diagram import flow_map

    labels = {k: t(f"privacy.legend.{k}") for k in ("personal", "clear", "encrypted")}
    labels |= {"devices": t("privacy.label.source"), "recipients": t("privacy.label.destination"),
               "clients": t("privacy.label.clients")}  # fmt: skip
    return {"flow_map": Markup(flow_map(report["flows"], labels, t("privacy.section.map")))}


CONTEXT: dict[str, Callable[[dict[str, Any], Messages], dict[str, Any]]] = {
    "security": _security,
    "privacy": _privacy,
}


def render(report: dict[str, Any], messages: Messages) -> str:
    template = _env.get_template(f"{report['report']}.html")
    extra = CONTEXT.get(report["report"], lambda r, t: {})(report, messages)
    return template.render(r=report, t=messages, lang=messages.lang, **extra)
