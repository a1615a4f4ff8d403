"""The HTML report as a person sees it: headless Chromium loads the local file without errors and
draws it; the PDF renders to non-empty page images."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.reports.conftest import muniscan

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTEFACTS = Path(__file__).parents[2] / "var" / "test-artefacts"


def keep(path: Path) -> None:
    """Copy a picture where people look for test artefacts, when that folder exists."""
    if ARTEFACTS.is_dir():
        shutil.copy(path, ARTEFACTS / path.name)


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--no-first-run", f"--user-data-dir={profile}",
             "--enable-logging=stderr", "--v=0"]  # fmt: skip
    env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": "disabled:"}
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120, env=env)  # type: ignore[list-item]


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
@pytest.mark.parametrize("lang", ["en", "sv"])
def test_html_report_renders_in_chromium_without_console_errors(hostile_db: str, tmp_path: Path, lang: str) -> None:
    page = tmp_path / f"security-report-{lang}.html"
    muniscan(hostile_db, "report", "security", "--format", "html", "--lang", lang, "--output", str(page))
    shot = tmp_path / f"security-report-{lang}.png"
    result = chromium(f"--screenshot={shot}", "--window-size=1280,2600", page.as_uri(), profile=tmp_path / "profile")
    assert shot.exists() and shot.stat().st_size > 20_000, result.stderr[-2000:]
    console = [line for line in result.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == []
    blocked = [line for line in result.stderr.splitlines() if "Content Security Policy" in line]
    assert blocked == []  # nothing in the report tried to load or run anything
    keep(shot)


@pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="pdftoppm is not installed (apt-get install poppler-utils)"
)
def test_pdf_pages_render_to_images(hostile_db: str, tmp_path: Path) -> None:
    pdf = tmp_path / "security-report.pdf"
    muniscan(hostile_db, "report", "security", "--format", "pdf", "--lang", "sv", "--output", str(pdf))
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert pages and all(p.stat().st_size > 5_000 for p in pages)
    keep(pages[0])
