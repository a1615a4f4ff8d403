"""`muniscan lab`: start, stop and list virtual networks of simulated devices."""

from typing import Annotated

import typer
from muniscan.cli.output import console, emit_json, fail, table
from muniscan.labs.runner import LabError, answering, down, running_labs, up
from muniscan.labs.topology import builtin_names, load_topology
from muniscan.yamlfile import YamlFileError

app = typer.Typer(help="Virtual municipal networks with known answers.", no_args_is_help=True)


@app.command("up")
def lab_up(
    topology: Annotated[
        str, typer.Argument(help=f"Built-in lab ({', '.join(builtin_names())}) or a topology YAML file.")
    ],
) -> None:
    """Start a lab's devices in the background."""
    try:
        loaded, state = up(topology)
    except (LabError, YamlFileError) as exc:
        fail(str(exc))
    console.print(f"lab {loaded.name} up: {len(loaded.devices)} device(s), pid {state.pid}")
    table(
        "",
        ["device", "class", "address", "ports"],
        [[d.name, d.device_class, d.address, " ".join(str(s.port) for s in d.services)] for d in loaded.devices],
    )


@app.command("down")
def lab_down(name: Annotated[str, typer.Argument(help="Lab name.")]) -> None:
    """Stop a lab and remove everything it created; safe to run twice."""
    try:
        stopped = down(name)
    except LabError as exc:
        fail(str(exc))
    console.print(f"lab {name} {'stopped' if stopped else 'was not running'}")


@app.command("status")
def lab_status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Labs that are up, and which of their devices answer."""
    rows = []
    for lab in running_labs():
        topology = load_topology(lab.topology)
        ports = answering(topology) if lab.alive else {}
        for device in topology.devices:
            rows.append(
                {
                    "lab": lab.name,
                    "alive": lab.alive,
                    "device": device.name,
                    "address": device.address,
                    "expected": [s.port for s in device.services],
                    "answering": ports.get(device.name, []),
                }
            )
    if as_json:
        emit_json(rows)
        return
    table(
        f"{len({r['lab'] for r in rows})} lab(s) up",
        ["lab", "device", "address", "answering"],
        [
            [
                r["lab"],
                r["device"],
                r["address"],
                f"{len(r['answering'])}/{len(r['expected'])} " + " ".join(map(str, r["answering"])),
            ]
            for r in rows
        ],
    )
