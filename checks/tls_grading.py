"""Readings of the tls probe's facts that several TLS checks share."""

from typing import Any

from muniscan.checks.model import CheckResult, not_applicable, unknown


def tls_version(label: str) -> tuple[int, ...]:
    """"1.2" -> (1, 2), so protocol versions compare as numbers."""
    return tuple(int(part) for part in label.split("."))


def no_certificate(facts: Any) -> CheckResult | None:
    """The verdict when there is no certificate to judge: unknown if it could not be read, else not
    applicable; None when there is one."""
    if facts.certificate is not None:
        return None
    return unknown(facts.certificate_error) if facts.certificate_error else not_applicable()
