"""Secrets in configuration formats are found and masked; placeholders and ordinary text are not secrets."""

import time

import pytest

from muniscan.privacy.detection.secrets import find_secrets, mask_secret, without_secrets


@pytest.mark.parametrize(
    ("text", "kind", "where", "masked"),
    [
        ("admin_password=Torg3t-NVR!", "password", "admin_password (line 1)", "T*****"),
        ("  snmp_community = privat3", "password", "snmp_community (line 1)", "p*****"),
        ("<Password>hemligt123</Password>", "password", "Password (line 1)", "h*****"),
        ('{"mqtt_pass": "P4rk-S3nsor"}', "password", "mqtt_pass (line 1)", "P*****"),
        ("wpa_psk: Gatan-WiFi-77", "password", "wpa_psk (line 1)", "G*****"),
        (
            "db=postgresql://scada:Sc4da!pw@10.1.2.3/historian",
            "connection_string",
            "postgresql (line 1)",
            "postgresql://s***:*****@10.1.2.3",
        ),
        (
            "x\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl",
            "private_key",
            "OPENSSH (line 2)",
            "-----BEGIN OPENSSH PRIVATE KEY----- (key not kept)",
        ),
        ("api_key: abcdefghijklmnop1234", "token", "api_key (line 1)", "a*****"),
        ("aws = AKIAIOSFODNN7EXAMPLE", "token", "token (line 1)", "A*****"),
    ],
)
def test_secrets_found(text: str, kind: str, where: str, masked: str) -> None:
    assert [(s.kind, s.where, s.masked) for s in find_secrets(text)] == [(kind, where, masked)]


@pytest.mark.parametrize(
    "text",
    [
        "password=********",
        "password: ${ADMIN_PASSWORD}",
        "pwd = {{ vault_pwd }}",
        "Forgot your password? Ask the service desk.",
        "https://example.se/docs/index.html",
        "temperature=21.5\nhumidity=40",
    ],
)
def test_not_secrets(text: str) -> None:
    assert find_secrets(text) == []


def test_masks_never_hold_more_than_the_first_character() -> None:
    assert mask_secret("Torg3t-NVR!") == "T*****" and mask_secret("abc") == "*****"
    assert without_secrets("pass=Torg3t-NVR!\nurl=smtp://larm:Sm7p@mail.example.se") == (
        "pass=*****\nurl=smtp://larm:*****@mail.example.se"
    )


def test_a_hostile_file_does_not_stall_the_scan() -> None:
    started = time.monotonic()
    find_secrets("password" * 20000 + "=" + "a" * 100000 + "://" + ":" * 50000)
    assert time.monotonic() - started < 5
