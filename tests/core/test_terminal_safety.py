"""Untrusted text loses escape sequences and control characters before it reaches a terminal."""

import pytest

from muniscan.text import printable_banner, terminal_safe


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[2J\x1b[31mred\x1b[0m", "red"),
        ("title\x1b]0;pwned\x07", "title"),
        ("bell\x07 and null\x00", "bell and null"),
        ("c1\x9bcsi", "c1csi"),
        ("keeps\ttabs\nand lines", "keeps\ttabs\nand lines"),
        ("firmware \u202e3.1v\u202c ok", "firmware 3.1v ok"),  # right-to-left override would show "v1.3"
        ("\u2066isolated\u2069 \u200fmark\u200e \u061carabic mark", "isolated mark arabic mark"),
        ("svenska åäö and עברית stay", "svenska åäö and עברית stay"),
    ],
)
def test_escapes_and_controls_are_removed(raw: str, shown: str) -> None:
    assert terminal_safe(raw) == shown


def test_long_text_is_shortened() -> None:
    assert len(terminal_safe("x" * 1000, limit=50)) == 50


def test_banner_bytes_decode_without_crashing() -> None:
    shown = printable_banner(b"\xff\xfb\x01\xff\xfb\x03\r\nLogin: \x1b[5m")
    assert shown == "Login:"  # telnet negotiation (IAC WILL ECHO, IAC WILL SGA) is protocol, not text


def test_reports_clean_bidi_controls_deeply() -> None:
    from muniscan.reports.safe import clean

    assert clean({"banner\u202e": ["SSH-2.0-\u202eevil"]}) == {"banner": ["SSH-2.0-evil"]}
