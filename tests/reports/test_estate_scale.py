"""A report of a large estate stays readable and bounded: findings grouped by check with the affected devices
summarised; HTML collapses long tables; the PDF's document leaves out the per-finding table and bounds its annex.

The estate is the hostile lab's real report with its devices and findings copied under new addresses
(a report is plain data), so the numbers are large while every value is one the builder produced."""

import copy
from typing import Any

from muniscan.reports.formats import html
from muniscan.reports.i18n import Messages
from muniscan.reports.security import build_security_report
from muniscan.store import Store

COPIES = 130


def estate(db: str) -> dict[str, Any]:
    report = build_security_report(Store(db))
    assert report["findings"] and report["assets"]
    grown = copy.deepcopy(report)
    for n in range(1, COPIES):
        for asset in report["assets"]:
            grown["assets"].append({**asset, "address": f"{asset['address']}#{n}"})
        for finding in report["findings"]:
            grown["findings"].append(
                {
                    **finding,
                    "id": f"{finding['id']}-{n}",
                    "address": f"{finding['address']}#{n}",
                    "endpoint": f"{finding['endpoint']}#{n}",
                }
            )
    grown["summary"]["findings"], grown["summary"]["devices"] = len(grown["findings"]), len(grown["assets"])
    return grown


def test_a_large_estate_is_summarised_by_check_collapsed_in_html_and_bounded_in_the_pdf_document(
    hostile_db: str,
) -> None:
    report = estate(hostile_db)
    devices, findings = len(report["assets"]), len(report["findings"])
    assert devices > html.ANNEX_DEVICES and findings > html.COLLAPSE_ROWS
    t = Messages.of("en")
    browse, document = html.render(report, t), html.render(report, t, compact=True)

    by_check = browse[browse.index('id="by-check"') : browse.index('id="findings"')]
    assert "and " in by_check and " more" in by_check  # affected devices counted, not all listed
    assert by_check.count("<tr>") - 1 == len({f["check_id"] for f in report["findings"]})

    findings_part = browse[browse.index('id="findings"') : browse.index('id="devices"')]
    assert "<details>" in findings_part and "<details open>" not in findings_part  # long: collapsed, still there
    assert findings_part.count("<tr>") - 1 == findings

    assert 'id="findings"' in document and f"All {findings} findings" in document
    assert document.count('class="finding"') <= html.ANNEX_DEVICES * 10 + len(report["rules"])
    devices_part = document[document.index('id="devices"') : document.index('id="annex"')]
    assert devices_part.count("<tr>") - 1 <= html.ANNEX_DEVICES
    assert f"of {devices}" in devices_part
    assert len(document) < len(browse) / 5
