"""The lab process: starts every device service of a topology and serves until told to stop.

Run by `muniscan lab up`, never by hand: `python -m muniscan.labs.serve TOPOLOGY STATE_DIR`.
"""

import asyncio
import json
import signal
import sys
from pathlib import Path

from muniscan.labs.devices import starter
from muniscan.labs.devices.base import DeviceContext, DeviceLog, Running
from muniscan.labs.topology import load_topology


async def serve(topology_ref: str, state_dir: Path) -> int:
    topology = load_topology(topology_ref)
    log = DeviceLog(state_dir / "devices.log")
    running: list[Running] = []
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        for device in topology.devices:
            for service in device.services:
                ctx = DeviceContext(device, service, log, state_dir)
                running.append(await starter(service.kind)(ctx))
    except Exception as exc:  # report why, then roll back what did start
        (state_dir / "failed").write_text(f"{type(exc).__name__}: {exc}\n", encoding="utf-8")
        for item in reversed(running):
            await item.stop()
        return 1
    ready = {"devices": len(topology.devices), "services": len(running)}
    (state_dir / "ready").write_text(json.dumps(ready), encoding="utf-8")
    await stop.wait()
    for item in reversed(running):
        await item.stop()
    log.close()
    return 0


def main() -> None:
    topology_ref, state_dir = sys.argv[1], Path(sys.argv[2])
    sys.exit(asyncio.run(serve(topology_ref, state_dir)))


if __name__ == "__main__":
    main()
