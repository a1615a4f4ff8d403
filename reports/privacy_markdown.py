"""The privacy report as Markdown: every value from a device or a file goes through `cell`, never raw."""

from typing import Any

from muniscan.reports.formats.markdown import cell, method_lines, table
from muniscan.reports.i18n import Messages


def _categories(flow: dict[str, Any], t: Messages) -> str:
    """Each category in words with its distinct values (by keyed hash), not its occurrences."""
    distinct = flow["distinct_identifiers"]
    return ", ".join(f"{t.term('category', c)} ({distinct.get(c, n)})" for c, n in flow["categories"].items())


def _topics(flow: dict[str, Any], t: Messages) -> str:
    return "; ".join(f"{x['topic']} ({', '.join(t.term('category', c) for c in x['categories']) or '-'})"
                     for x in flow["topics"])  # fmt: skip


def _reasons(risk: dict[str, Any], t: Messages) -> list[str]:
    codes = risk.get("codes") or [{}] * len(risk["reasons"])
    return [t.reason(code, english) for code, english in zip(codes, risk["reasons"], strict=True)]


def _flow_line(flow: dict[str, Any], t: Messages) -> str:
    topic = f" {flow['topic']}" if flow["topic"] else ""
    return f"{flow['device'] or t('privacy.label.clients')} → {flow['destination']}:{flow['port']}{topic}"


def _sender(flow: dict[str, Any], t: Messages) -> str:
    return flow["device"] or t("privacy.label.clients")


def _endpoint(f: dict[str, Any]) -> str:
    name = f" ({f['server_name']})" if f["server_name"] else ""
    return f"{f['destination']}:{f['port']}/{f['transport']}{name}"


def _yes(t: Messages, value: bool) -> str:
    return t("privacy.label.yes") if value else t("privacy.label.no")


def privacy(r: dict[str, Any], t: Messages) -> list[str]:
    s = r["summary"]
    out = [f"# {t('title.privacy')}", "", cell(t("meta.generated", at=r["generated_at"], generator=r["generator"],
                                                   store=r["store"])), ""]  # fmt: skip
    out += [
        t("privacy.summary", flows=s["flows"], personal=s["flows_with_personal_data"],
          cleartext=s["cleartext_personal_data"], credentials=s["cleartext_credentials"],
          recipients=s["recipients"], datasets=s["datasets"]),
        "", t("privacy.explain.masked"), "", f"## {t('privacy.section.map')}", "",
    ]  # fmt: skip
    header = ["privacy.label.source", "privacy.label.destination", "privacy.label.protocol", "privacy.label.encrypted",
              "privacy.label.topics", "privacy.label.categories_distinct", "privacy.label.samples",
              "privacy.label.credentials"]  # fmt: skip
    out += table(
        [t(h) for h in header],
        [
            [_sender(f, t),
             _endpoint(f) + (f" ({t('privacy.role.broker')})" if f["roles"]["broker"] else ""),
             f["protocol"], _yes(t, f["encrypted"]), _topics(f, t), _categories(f, t),
             "; ".join(f"{c}: {', '.join(v)}" for c, v in f["masked_samples"].items()), ", ".join(f["credentials"])]
            for f in r["flows"]
        ],
    ) if r["flows"] else [t("privacy.none")]  # fmt: skip
    out += ["", f"## {t('privacy.section.categories')}", ""]
    out += table(
        [t("privacy.label.category"), t("privacy.label.class"), t("privacy.label.distinct"), t("privacy.label.count"),
         t("privacy.label.devices"), t("privacy.label.legal")],
        [[t.term("category", c["category"]), t.term("device_class", c["device_class"]),
          f"{c['distinct']}{'+' if c['distinct_capped'] else ''}", c["count"], c["devices"],
          "; ".join(c["references"])] for c in r["categories"]],
    ) if r["categories"] else [t("privacy.none")]  # fmt: skip
    out += ["", f"## {t('privacy.section.cleartext')}", ""]
    out += table(
        [t("privacy.label.source"), t("privacy.label.destination"), t("privacy.label.categories"),
         t("privacy.label.credentials"), t("privacy.label.legal")],
        [[_sender(f, t), f"{f['destination']}:{f['port']}/{f['protocol']}", _categories(f, t),
          ", ".join(f["credentials"]), "; ".join(f["references"])] for f in r["cleartext"]],
    ) if r["cleartext"] else [t("privacy.none")]  # fmt: skip
    out += ["", f"## {t('privacy.section.recipients')}", ""]
    out += table(
        [t("privacy.label.destination"), t("privacy.label.role"), t("privacy.label.categories"),
         t("privacy.label.devices"), t("privacy.label.encrypted"), t("privacy.label.legal")],
        [[x["destination"] + (f" ({x['server_name']})" if x["server_name"] else ""), t("privacy.role." + x["role"]),
          ", ".join(t.term("category", c) for c in x["categories"]),
          ", ".join(x["devices"]) or t("privacy.label.clients"), _yes(t, x["encrypted"]), "; ".join(x["references"])]
         for x in r["recipients"]],
    ) if r["recipients"] else [t("privacy.none")]  # fmt: skip
    out += ["", f"## {t('privacy.section.datasets')}", ""]
    for d in r["datasets"]:
        out += [f"### {cell(d['file'])} — {cell(t('privacy.verdict.' + d['verdict']))}", "",
                f"- {t('label.count')}: {d['records']}; k = {cell(d['k'])} ({t('privacy.unit.' + d['unit'])}); "
                f"sha256 {cell(d['sha256'])}"]  # fmt: skip
        if d["history"]:
            earlier = ", ".join(f"{h['audited_at'][:16]} {t('privacy.verdict.' + h['verdict'])}" for h in d["history"])
            out.append(f"- {t('privacy.label.history')} ({len(d['history'])}): {cell(earlier)}")
        for column, fraction in d["hashes_reversed"].items():
            out.append(f"- {t('privacy.label.reversed')} ({cell(column)}): {cell(fraction)}")
        if d["traces"]:
            x = d["traces"]
            line = t(
                "privacy.traces",
                share=f"{x['singled_out'] * 100:.0f}",
                pseudonyms=x["pseudonyms"],
                column=x["pseudonym"],
            )
            if x["suggestion"]:
                line += " " + t("privacy.traces_suggestion", suggestion=x["suggestion"])
            out.append(f"- {cell(line)}")
        if d["generalisation"]:
            g = d["generalisation"]
            levels = ", ".join(f"{column} → {level}" for column, level in g["levels"].items())
            out.append(
                "- "
                + cell(
                    t("privacy.generalise", target=g["k_target"], levels=levels, k=g["k"])
                    if g["reachable"]
                    else t("privacy.generalise_unreachable", target=g["k_target"], k=g["k"])
                )
            )
        for risk, v in d["risks"].items():
            state = t("privacy.risk.present") if v["present"] else t("privacy.risk.absent")
            out.append(f"- **{cell(t.term('wp216', risk))}**: {cell(state)}. {cell('; '.join(_reasons(v, t)))}")
        out += [f"- {t('privacy.label.legal')}: {cell('; '.join(d['references']))}", ""]
    if not r["datasets"]:
        out += [t("privacy.none"), ""]
    out += [f"## {t('privacy.section.dpia')}", ""]
    legal = t("privacy.label.legal")
    for d in r["dpia"]:
        out.append(f"- **{cell(t('privacy.dpia.' + d['trigger']))}**: {cell(', '.join(d['devices']))} — "
                   f"{legal}: {cell('; '.join(d['references']))}")  # fmt: skip
        out += [f"  - {cell(_flow_line(flow, t))}" for flow in d["flows"]]
    if not r["dpia"]:
        out.append(t("privacy.none"))
    out += ["", f"## {t('privacy.section.findings')}", ""]
    out += table(
        [t("label.severity"), t("label.check"), t("label.address"), t("label.status")],
        [[t.term("severity", f["severity"]), t.check(f["check_id"], "title", f["title"]), f["address"],
          t.term("status", f["status"])] for f in r["findings"]],
    ) if r["findings"] else [t("privacy.none")]  # fmt: skip
    out += method_lines(t, r["method"])
    return out
