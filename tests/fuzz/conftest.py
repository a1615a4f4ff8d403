"""One detector per session: building Presidio's registry takes about a second."""

import pytest


@pytest.fixture(scope="session")
def detector(muniscan_home):
    from muniscan.privacy.detection.detector import PersonalDataDetector

    return PersonalDataDetector(key=b"k" * 32)
