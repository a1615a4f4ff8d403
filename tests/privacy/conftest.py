"""Shared fixtures: one detector per session (building Presidio's registry takes ~1 s)."""

from pathlib import Path

import pytest

DATASETS = Path(__file__).resolve().parents[2] / ".." / "shared" / "datasets"


@pytest.fixture(scope="session")
def muniscan_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("muniscan-home")


@pytest.fixture(scope="session")
def detector(muniscan_home: Path):
    from muniscan.privacy.detection.detector import PersonalDataDetector

    return PersonalDataDetector(key=b"k" * 32)


@pytest.fixture(scope="session")
def datasets() -> Path:
    if not DATASETS.is_dir():
        pytest.skip(f"reference datasets not found at {DATASETS} (shared/ beside the repo clone)")
    return DATASETS
