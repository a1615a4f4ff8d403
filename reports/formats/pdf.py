"""PDF/UA-1 from the HTML report (WeasyPrint); nothing is fetched while rendering.

The PDF is the compact document: summary, ENISA grid, findings grouped by check with the affected devices
summarised, and an annex bounded to the devices with most active findings, so its length (and WeasyPrint's
layout time and memory, which grow with pages) does not grow with the estate.
"""

from typing import Any

from muniscan.reports.formats import html
from muniscan.reports.i18n import Messages


class NoFetch(Exception):
    """Raised for any resource a report tries to load; reports are self-contained."""


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise NoFetch(f"report tried to load {url!r}; reports load nothing")


def render(report: dict[str, Any], messages: Messages) -> bytes:
    import weasyprint  # heavy; only PDF output needs it

    document = weasyprint.HTML(string=html.render(report, messages, compact=True), url_fetcher=_refuse, base_url=None)
    # Tagged PDF/UA-1 (structure tree, language, title): public bodies must publish accessible documents.
    return document.write_pdf(pdf_variant="pdf/ua-1")
