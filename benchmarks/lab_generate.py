"""How long a generated lab of N devices takes to come up on loopback and answer.

    .venv/bin/python benchmarks/lab_generate.py [--devices 1000] [--seed 1] [--shards 2]

Brings the lab up in a private MUNISCAN_HOME, checks from outside that every device answers,
prints the figures, and takes the lab down again.
"""

import argparse
import os
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shards", type=int, default=2)
    args = parser.parse_args()
    os.environ["MUNISCAN_HOME"] = tempfile.mkdtemp(prefix="muniscan-bench-")
    from muniscan.labs import runner

    name = "bench-generated"
    started = time.monotonic()
    topology, state = runner.up_generated(args.devices, args.seed, name=name, shards=args.shards, timeout=300)
    up_seconds = time.monotonic() - started
    try:
        checked = time.monotonic()
        ports = runner.answering(state)
        check_seconds = time.monotonic() - checked
        answering = sum(1 for d in topology.devices if ports.get(d.name))
        services = sum(len(d.services) for d in topology.devices)
        print(
            f"{args.devices} devices ({services} services) up on loopback in {up_seconds:.1f} s "
            f"with {len(state.pids)} processes; {answering}/{args.devices} answering (checked in {check_seconds:.1f} s)"
        )
    finally:
        runner.down(name)


if __name__ == "__main__":
    main()
