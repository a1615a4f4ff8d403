"""Evidence reads as labelled lines in the report's language, never as a Python or JSON dump."""

from muniscan.reports.evidence import evidence_lines
from muniscan.reports.i18n import Messages

EVIDENCE = {
    "port": 8080,
    "login_endpoint": "POST /login (form)",
    "pages": {"/admin": 401, "/config": 403},
    "catalogue_entries": ["lumenvik-slc", "generic-telnet"],
    "flows": [{"destination": "10.0.0.5", "port": 1883}, {"destination": "10.0.0.6", "port": 8883}],
    "tls": False,
    "custom_field_name": None,
}


def test_swedish_labels_and_values_in_words() -> None:
    assert evidence_lines(Messages.of("sv"), EVIDENCE) == [
        ("Port", "8080"),
        ("Inloggningsadress", "POST /login (form)"),
        ("Sidor", "/admin: 401; /config: 403"),
        ("Katalogposter som prövades", "lumenvik-slc, generic-telnet"),
        ("Flöden", "Mottagare: 10.0.0.5; Port: 1883 | Mottagare: 10.0.0.6; Port: 8883"),
        ("Tls", "nej"),
        ("Custom field name", "–"),
    ]


def test_no_brackets_or_quotes_of_a_data_dump() -> None:
    for _, text in evidence_lines(Messages.of("en"), EVIDENCE):
        assert not set(text) & set("{}[]'\"")
