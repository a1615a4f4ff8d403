"""The HTML report as a person sees it: headless Chromium loads the local file without errors and
draws it; the PDF renders to non-empty page images."""

from pathlib import Path

import pytest

from tests.reports.conftest import muniscan
from tests.reports.rendering import assert_pdf_pages_render, assert_renders_in_chromium, needs_chromium, needs_pdftoppm

pytestmark = pytest.mark.slow


@needs_chromium
@pytest.mark.parametrize("lang", ["en", "sv"])
def test_html_report_renders_in_chromium_without_console_errors(hostile_db: str, tmp_path: Path, lang: str) -> None:
    page = tmp_path / f"security-report-{lang}.html"
    muniscan(hostile_db, "report", "security", "--format", "html", "--lang", lang, "--output", str(page))
    assert_renders_in_chromium(page)


@needs_pdftoppm
def test_pdf_pages_render_to_images(hostile_db: str, tmp_path: Path) -> None:
    pdf = tmp_path / "security-report.pdf"
    muniscan(hostile_db, "report", "security", "--format", "pdf", "--lang", "sv", "--output", str(pdf))
    assert_pdf_pages_render(pdf)
