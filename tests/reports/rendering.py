"""Reports as a person sees them, shared by the report tests: headless Chromium draws an HTML file without
console errors, and pdftoppm turns every PDF page into a non-empty image."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTEFACTS = Path(__file__).parents[2] / "var" / "test-artefacts"

needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
needs_pdftoppm = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="pdftoppm is not installed (apt-get install poppler-utils)"
)


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


def assert_renders_in_chromium(page: Path, min_bytes: int = 20_000, height: int = 2600) -> Path:
    """Screenshot the local HTML file; it must draw, log nothing to the console and trip no Content Security Policy."""
    shot = page.with_suffix(".png")
    result = chromium(
        f"--screenshot={shot}",
        f"--window-size=1280,{height}",
        page.as_uri(),
        profile=page.parent / f"{page.stem}-profile",
    )
    assert shot.exists() and shot.stat().st_size > min_bytes, result.stderr[-2000:]
    console = [line for line in result.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    assert console == []
    blocked = [line for line in result.stderr.splitlines() if "Content Security Policy" in line]
    assert blocked == []  # nothing in the report tried to load or run anything
    keep(shot)
    return shot


FOOTER_ONLY_PAGE = 3_500  # bytes of a 60 dpi PNG of an A4 page with nothing but the footer line (3.2 kB)


def assert_pdf_pages_render(pdf: Path, min_bytes: int = 5_000) -> list[Path]:
    """Every page of the PDF becomes a PNG beside it that shows more than the footer; the first is a full page
    (the last may hold only the end of a section)."""
    prefix = pdf.parent / f"{pdf.stem}-page"
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(prefix)], check=True, timeout=120)
    pages = sorted(pdf.parent.glob(f"{prefix.name}-*.png"))
    sizes = [(p.name, p.stat().st_size) for p in pages]
    assert pages and pages[0].stat().st_size > min_bytes, sizes
    assert all(p.stat().st_size > FOOTER_ONLY_PAGE for p in pages), sizes
    keep(pages[0])
    return pages
