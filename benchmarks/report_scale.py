"""Wall time and peak memory of every security report format on one store, each in a process of its own.

    .venv/bin/python benchmarks/report_scale.py --db /tmp/city.sqlite [--formats html,pdf] [--profile pdf]

Build a store first (benchmarks/city_store.py). `--profile FORMAT` also writes a cProfile of that format
and prints its 15 most expensive functions by cumulative time.
"""

import argparse
import pstats
import re
import subprocess
import sys
import tempfile
from pathlib import Path

FORMATS = ["json", "md", "csv", "csv-assets", "sarif", "defectdojo", "html", "pdf"]


def measure(db: str, fmt: str, folder: Path, profile: bool) -> tuple[float, float, int]:
    output = folder / f"security.{fmt}"
    script = folder / "run_cli.py"
    script.write_text("from muniscan.cli.main import run\nrun()\n", encoding="utf-8")
    profiling = ["-m", "cProfile", "-o", str(folder / f"{fmt}.prof")] if profile else []
    command = [sys.executable, *profiling, str(script)]
    command += ["--db", db, "report", "security", "--format", fmt, "--output", str(output)]
    timed = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True, text=True, check=False)
    if timed.returncode != 0:
        raise SystemExit(f"{fmt}: failed\n{timed.stderr[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time .*: (?:(\d+):)?(\d+):([\d.]+)", timed.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", timed.stderr)
    assert wall and rss, timed.stderr
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    return seconds, int(rss.group(1)) / 1024, output.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--profile", default=None)
    parser.add_argument("--keep", type=Path, default=None, help="folder to keep the reports in")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="muniscan-reports-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"{'format':<12} {'wall s':>8} {'peak MB':>8} {'size MB':>8}")
    for fmt in args.formats.split(","):
        seconds, peak, size = measure(args.db, fmt, folder, fmt == args.profile)
        print(f"{fmt:<12} {seconds:8.1f} {peak:8.0f} {size / 1e6:8.2f}", flush=True)
        if fmt == args.profile:
            pstats.Stats(str(folder / f"{fmt}.prof")).sort_stats("cumulative").print_stats(15)
    print(f"reports in {folder}")


if __name__ == "__main__":
    main()
