"""A hostile lab for the report tests: banners that try HTML, script, Markdown, formulas and ANSI escapes.

Scanned twice (so there is a trend and a scan diff), then a person accepts one finding and marks
another a false positive, as `muniscan findings accept` would record them.
"""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from muniscan.cli.main import app
from muniscan.store import Store
from muniscan.store.models import Asset, Finding, FindingEvent, RiskAcceptance
from muniscan.store.models.common import utcnow

HOSTILE_BANNER = (
    "<script>alert('xss')</script><img src=x onerror=alert(1)> "
    "=cmd|' /C calc'!A0 \x1b[31mRED\x1b[0m \x1b]0;owned\x07 | **bold** [link](http://evil.example)"
)
TOPOLOGY = """
name: report-hostile
description: Devices whose banners try to inject markup, script and terminal escapes into reports.
policy:
  name: report-hostile-lab
  extends: enisa-baseline
  scope:
    include: [127.77.13.10, 127.77.13.11, 127.77.13.12]
    never_touch_ports: ["515", "2024", "9100-9107", "9999"]
devices:
  - name: hostile-telnet
    class: street-light-controller
    vendor: Lumenvik
    model: SLC-200
    firmware: "2.1.4"
    address: 127.77.13.10
    services:
      - kind: telnet
        port: 2323
        config:
          banner: {banner}
  - name: lift-ctrl
    class: lift-controller
    vendor: Hissab
    model: LC-4
    firmware: "4.0.2"
    address: 127.77.13.11
    services:
      - kind: telnet
        port: 2323
        config:
          banner: "Hissab LC-4 service port"
  - name: people-counter
    class: people-counter
    vendor: Parkera
    model: PC-2
    firmware: "0.9.1"
    address: 127.77.13.12
    services:
      - kind: telnet
        port: 23
        config:
          banner: "=HYPERLINK(\\"http://evil.example\\") +1 -1 @SUM(A1)"
"""
ACCEPTED_BY = "Karin Lind <karin@kommun.example>"
ACCEPT_REASON = "Replaced in Q3; the controller's VLAN is isolated <b>until then</b>"
FALSE_POSITIVE_BY = "Olle Berg"
FALSE_POSITIVE_REASON = "Service port is a honeypot on purpose"

runner = CliRunner()


def muniscan(db: str, *args: str) -> Any:
    result = runner.invoke(app, ["--db", db, *args])
    assert result.exit_code in (0, 1), result.output
    return result


def _decide(db: str) -> None:
    store = Store(db)
    with store.session() as session:
        telnet = {
            asset.address: finding
            for finding, asset in session.exec(
                select(Finding, Asset)
                .join(Asset, Finding.asset_id == Asset.id)  # type: ignore[arg-type]
                .where(Finding.check_id == "telnet_management_plaintext")
            )
        }
        accepted = telnet["127.77.13.10"]
        session.add(
            RiskAcceptance(
                finding_id=accepted.id, reason=ACCEPT_REASON, approver=ACCEPTED_BY,
                expires_at=utcnow() + timedelta(days=90),
            )
        )  # fmt: skip
        session.add(
            FindingEvent(
                finding_id=accepted.id, kind="accepted", old_status=accepted.status, new_status="accepted",
                actor=ACCEPTED_BY, note=ACCEPT_REASON,
            )
        )  # fmt: skip
        accepted.status = "accepted"
        honeypot = telnet["127.77.13.11"]
        session.add(
            FindingEvent(
                finding_id=honeypot.id, kind="false_positive", old_status=honeypot.status, new_status="false_positive",
                actor=FALSE_POSITIVE_BY, note=FALSE_POSITIVE_REASON,
            )
        )  # fmt: skip
        honeypot.status = "false_positive"
        session.add_all([accepted, honeypot])
        session.commit()
    store.dispose()


@pytest.fixture(scope="session")
def hostile_db(tmp_path_factory: pytest.TempPathFactory, muniscan_home: Path) -> Iterator[str]:
    """A SQLite store holding two scans of the hostile lab and two human decisions."""
    from muniscan.labs import runner as labs

    folder = tmp_path_factory.mktemp("hostile-lab")
    topology = folder / "report-hostile.yaml"
    quoted = (
        '"'
        + HOSTILE_BANNER.replace("\\", "\\\\").replace('"', '\\"').replace("\x1b", "\\e").replace("\x07", "\\a")
        + '"'
    )
    topology.write_text(TOPOLOGY.format(banner=quoted), encoding="utf-8")
    db = f"sqlite:///{folder / 'muniscan.sqlite'}"
    labs.up(str(topology))
    try:
        muniscan(db, "scan", "--lab", str(topology), "-q")
        muniscan(db, "scan", "--lab", str(topology), "-q")
    finally:
        labs.down("report-hostile")
    _decide(db)
    yield db
