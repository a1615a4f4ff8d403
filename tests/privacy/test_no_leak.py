"""Given a lab device publishing planted personal data in clear, when muniscan scans, captures and reports,
then the data is found, stored masked and reported, and no clear copy lands anywhere muniscan writes."""

import os
import random
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from muniscan.cli.main import app

pytestmark = pytest.mark.slow
runner = CliRunner()

PNR, PLATE, EMAIL, MAC, PHONE = "811228-9874", "PLX 731", "greta.lundgren@example.se", "3c:22:fb:07:4e:11", "0701234567"
PLANTED = {
    "personnummer": (PNR, "8112289874", "198112289874"),
    "plate": (PLATE, "PLX731"),
    "email": (EMAIL,),
    "mac": (MAC, MAC.upper(), MAC.replace(":", ""), MAC.replace(":", "-")),
    "phone": (PHONE, "+46701234567"),
}
ADDRESS = f"127.77.14.{random.Random().randrange(10, 250)}"


def lab_topology(folder: Path) -> Path:
    payload = (f'{{{{"resident": "{PNR}", "plate": "{PLATE}", "contact": "{EMAIL}", "wifi_mac": "{MAC}", '
               f'"phone": "{PHONE}", "count": {{count}}}}}}')  # fmt: skip
    topology = {
        "name": f"privacy-leak-{ADDRESS.rsplit('.', 1)[1]}",
        "description": "One care-alarm gateway publishing planted personal data on plain MQTT.",
        "policy": {"name": "privacy-leak", "extends": "enisa-baseline",
                   "scope": {"include": [ADDRESS], "never_touch_ports": ["515", "2024", "9100-9107", "9999"]}},
        "devices": [{
            "name": "care-gw-01", "class": "care-alarm-gateway", "vendor": "Tryggvik", "model": "CG-1",
            "firmware": "1.0.0", "address": ADDRESS,
            "services": [{"kind": "mqtt", "port": 1883, "config": {
                "anonymous": True,
                "publish": [{"topic": f"care/{PNR}/alarm", "payload": payload, "retain": True, "interval": 0.2}],
            }}],
        }],
    }  # fmt: skip
    path = folder / "topology.yaml"
    path.write_text(yaml.safe_dump(topology, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def lab(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The lab runs with its own home; muniscan's home is another folder, so every byte there is muniscan's."""
    from muniscan.labs import runner as lab_runner

    lab_home, scanner_home = tmp_path / "lab-home", tmp_path / "muniscan-home"
    lab_home.mkdir(), scanner_home.mkdir()
    monkeypatch.setenv("MUNISCAN_HOME", str(lab_home))
    topology, _ = lab_runner.up(str(lab_topology(tmp_path)))
    monkeypatch.setenv("MUNISCAN_HOME", str(scanner_home))
    try:
        yield topology, scanner_home, tmp_path
    finally:
        monkeypatch.setenv("MUNISCAN_HOME", str(lab_home))
        lab_runner.down(topology.name)
        monkeypatch.setenv("MUNISCAN_HOME", str(scanner_home))


def test_planted_personal_data_is_found_masked_and_never_written_in_clear(lab) -> None:
    topology, home, folder = lab
    policy = folder / "policy.yaml"
    policy.write_text(yaml.safe_dump(topology.policy.model_dump(mode="json")), encoding="utf-8")
    db = f"sqlite:///{home / 'muniscan.sqlite'}"
    outputs: list[str] = []

    def run(*args: str) -> str:
        result = runner.invoke(app, ["--db", db, *args])
        assert result.exit_code in (0, 1), result.output
        outputs.append(result.stdout + result.stderr)
        return result.stdout

    scan = run("scan", "--policy", str(policy), "--json")
    assert '"personal_data_cleartext_transit"' in scan
    run("flows", "capture", f"mqtt://{ADDRESS}:1883", "--duration", "1.5", "--policy", str(policy))
    listed = run("flows", "list", "--json")
    for category in ("SE_PERSONNUMMER", "SE_LICENCE_PLATE", "EMAIL_ADDRESS", "MAC_ADDRESS", "PHONE_NUMBER"):
        assert category in listed
    assert "19811228-****" in listed or "81****-**74" in listed or "**74" in listed  # masked, still useful
    run("findings", "--json")
    reports = folder / "reports"
    for kind, formats in (("privacy", ("md", "html", "json")), ("security", ("md", "html", "json", "csv", "sarif"))):
        for fmt in formats:
            for lang in ("en", "sv"):
                run("report", kind, "--format", fmt, "--lang", lang, "--output", str(reports / f"{kind}-{lang}.{fmt}"))
    written = [p for root in (home, reports) for p in root.rglob("*") if p.is_file()]
    assert any(p.name == "muniscan.sqlite" for p in written)
    blobs = [p.read_bytes() for p in written] + [o.encode() for o in outputs]
    for name, spellings in PLANTED.items():
        for spelling in spellings:
            for blob in blobs:
                assert spelling.encode() not in blob, f"{name} written in clear"
    assert os.stat(home / "secret.key").st_mode & 0o077 == 0  # the hashing key stays private, outside the store
