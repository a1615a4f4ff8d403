"""`muniscan flows`: data flows from a live MQTT capture or a pcap file, judged and stored without raw payloads."""

from pathlib import Path
from typing import Annotated, Any

import typer
from sqlmodel import col, select

from muniscan.cli.context import state
from muniscan.cli.output import console, emit_json, fail, note, table
from muniscan.facts.flows import DataFlowFacts, FlowFact
from muniscan.policies import Policy, PolicyError, load_policy, load_profile
from muniscan.scanner.scope import OutOfScope
from muniscan.store.models import DataFlow
from muniscan.yamlfile import YamlFileError

app = typer.Typer(help="Data flows: who sends which personal data where, encrypted or not.", no_args_is_help=True)

PolicyOption = Annotated[Path | None, typer.Option("--policy", "-p", help="Policy YAML; default: enisa-baseline.")]
SiteOption = Annotated[str, typer.Option(help="Network segment the devices belong to.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def _policy(path: Path | None) -> Policy:
    try:
        return load_policy(path) if path else load_profile()
    except (PolicyError, YamlFileError) as exc:
        fail(str(exc))


def _flow_row(flow: FlowFact) -> list[Any]:
    categories = ", ".join(f"{c} {n}" for c, n in flow.categories.items())
    return [
        flow.source or "(clients)",
        flow.endpoint,
        flow.server_name or "",
        flow.protocol,
        "yes" if flow.encrypted else "NO",
        flow.messages,
        categories,
        ", ".join(flow.credentials),
    ]


def _show(outcome: Any, as_json: bool) -> None:
    failures = [j for j in outcome.judgements if j.result.verdict.value == "fail"]
    if as_json:
        emit_json(
            {
                "scan_id": outcome.scan.id,
                "flows": [
                    {
                        "source": f.source,
                        "destination": f.destination,
                        "port": f.port,
                        "transport": f.transport,
                        "protocol": f.protocol,
                        "encrypted": f.encrypted,
                        "server_name": f.server_name,
                        "messages": f.messages,
                        "bytes": f.byte_count,
                        "categories": f.categories,
                        "masked_samples": {p.category: list(p.samples) for p in f.personal_data},
                        "credentials": list(f.credentials),
                    }
                    for f in outcome.facts.flows
                ],
                "findings": [
                    {"check_id": j.check.id, "address": j.asset.address, "evidence": j.result.evidence}
                    for j in failures
                ],
            }
        )
        return
    columns = ["source", "destination", "name", "protocol", "encrypted", "messages", "personal data", "logins"]
    table(
        f"scan {outcome.scan.id}: {len(outcome.facts.flows)} flow(s)",
        columns,
        [_flow_row(f) for f in outcome.facts.flows],
    )
    table(
        f"{len(failures)} failing check(s)",
        ["severity", "check", "device", "ENISA"],
        [[j.check.meta.severity.value, j.check.id, j.asset.address, " ".join(j.check.meta.enisa)] for j in failures],
    )


@app.command()
def pcap(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A pcap or pcapng capture (read only; nothing is sent).")],
    policy_file: PolicyOption = None,
    site: SiteOption = "default",
    as_json: JsonOption = False,
) -> None:
    """Rebuild flows from a capture file, read clear-text payloads for personal data, and judge them."""
    from muniscan.privacy.flows.audit_scan import store_flow_audit
    from muniscan.privacy.flows.pcap import PcapError, read_pcap
    from muniscan.privacy.flows.records import shared_detector

    policy = _policy(policy_file)
    if not file.is_file():
        fail(f"{file}: no such file")
    try:
        analysis = read_pcap(file, shared_detector(policy.privacy.scan_network_metadata))
    except PcapError as exc:
        fail(str(exc))
    if analysis.truncated:
        note(f"{file}: the capture ends in the middle of a packet; read {analysis.packets} packets before that")
    if analysis.skipped:
        note(f"{file}: {analysis.skipped} packets were not TCP/UDP over IP or could not be read, and were skipped")
    outcome = store_flow_audit(state(ctx).store(), policy, DataFlowFacts("pcap", analysis.flows), file.name, site)
    _show(outcome, as_json)


@app.command()
def capture(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="mqtt://ADDRESS:PORT or mqtts://ADDRESS:PORT (an address, not a name).")],
    topics: Annotated[str, typer.Option(help="Comma-separated topic filters.")] = "#",
    duration: Annotated[float, typer.Option(help="Seconds to listen.", min=0.5, max=3600)] = 60.0,
    username: Annotated[str | None, typer.Option(help="MQTT user name, if the broker needs one.")] = None,
    password_file: Annotated[
        Path | None, typer.Option("--password-file", help="File holding the password (never on the command line).")
    ] = None,
    policy_file: PolicyOption = None,
    site: SiteOption = "default",
    as_json: JsonOption = False,
) -> None:
    """Subscribe to an in-scope broker, read its messages in memory, and keep only flow facts."""
    from muniscan.privacy.flows.audit_scan import store_flow_audit
    from muniscan.privacy.flows.capture import BrokerUrl, CaptureError, capture_flows
    from muniscan.privacy.flows.records import shared_detector

    policy = _policy(policy_file)
    password = None
    if password_file is not None:
        try:
            password = password_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            fail(f"{password_file}: {exc.strerror}")
    try:
        broker = BrokerUrl.parse(url)
        chosen = [t.strip() for t in topics.split(",") if t.strip()]
        detector = shared_detector(policy.privacy.scan_network_metadata)
        facts = capture_flows(broker, policy, detector, chosen or ["#"], duration, username, password)
    except OutOfScope as exc:
        fail(f"capture refused, nothing was sent: {exc}")
    except CaptureError as exc:
        fail(str(exc))
    except (TimeoutError, OSError) as exc:
        fail(f"cannot read from the broker at {url}: {exc}")
    target = f"{'mqtts' if broker.tls else 'mqtt'}://{broker.address}:{broker.port}"
    outcome = store_flow_audit(
        state(ctx).store(), policy, facts, target, site, broker=(broker.address, broker.port, broker.tls)
    )
    _show(outcome, as_json)


@app.command("list")
def list_flows(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Every stored flow with its personal-data categories (masked samples only)."""
    with state(ctx).store().session() as session:
        rows = session.exec(select(DataFlow).order_by(col(DataFlow.source), col(DataFlow.destination))).all()
    if as_json:
        emit_json([r.model_dump(exclude={"hashes"}) for r in rows])
        return
    if not rows:
        console.print("no data flows stored yet: run `muniscan flows pcap FILE` or `muniscan flows capture URL`")
        return
    table(
        f"{len(rows)} data flow(s)",
        ["source", "destination", "protocol", "encrypted", "personal data", "logins", "last seen"],
        [
            [
                r.source or "(clients)",
                f"{r.destination}:{r.port}/{r.transport}" + (f" ({r.server_name})" if r.server_name else ""),
                r.protocol,
                "yes" if r.encrypted else "NO",
                ", ".join(f"{c} {n}" for c, n in sorted(r.categories.items())),
                ", ".join(r.credentials),
                str(r.last_seen)[:19],
            ]
            for r in rows
        ],
    )
