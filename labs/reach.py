"""Which simulated services accept a connection, checked from where the lab's scanner stands.

`python -m muniscan.labs.reach LAB` prints the answer as JSON; the runner starts it inside a
namespace lab's scanner namespace, the only place from which namespace addresses may be reached.
"""

import json
import socket
import sys

from muniscan.labs import netns
from muniscan.labs.topology import Topology


def open_tcp_ports(topology: Topology, connect_timeout: float = 0.5) -> dict[str, list[int]]:
    """UDP services are left out: without a protocol exchange there is nothing to confirm."""
    if topology.mode == "netns" and not netns.only_lab_routes():
        raise PermissionError("namespace lab addresses are checked only from a namespace with no route out")
    result: dict[str, list[int]] = {}
    for device in topology.devices:
        result[device.name] = []
        for service in device.services:
            if service.protocol != "tcp":
                continue
            with socket.socket() as sock:
                sock.settimeout(connect_timeout)
                if sock.connect_ex((device.address, service.port)) == 0:
                    result[device.name].append(service.port)
    return result


def main() -> None:
    from muniscan.labs.runner import read_state

    state = read_state(sys.argv[1])
    if state is None:
        sys.exit(f"lab '{sys.argv[1]}' is not up")
    print(json.dumps(open_tcp_ports(state.topology_in_mode())))


if __name__ == "__main__":
    main()
