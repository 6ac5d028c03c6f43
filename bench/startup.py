"""Median wall time of npqplan commands against importing their libraries alone.

Interleaved runs in one process tree so machine noise hits both sides alike. Prints medians
and ratios; the goals are schedule/imports <= 1.3 and list/imports <= 1.15.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = int(os.environ.get("BENCH_RUNS", "15"))
BASELINE = [
    sys.executable,
    "-c",
    "import typer, rich.table, pydantic, yaml, dateutil.relativedelta",
]
COMMANDS = {
    "schedule": [sys.executable, "-m", "npqplan", "schedule", "npqel", "--start", "2024-09"],
    "list": [sys.executable, "-m", "npqplan", "list"],
}


def wall_time(argv: list[str], env: dict[str, str]) -> float:
    began = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - began


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "NPQPLAN_HOME": home, "NPQPLAN_PROGRAMMES": home}
        samples: dict[str, list[float]] = {"imports": [], **{name: [] for name in COMMANDS}}
        wall_time(COMMANDS["schedule"], env)  # warm the file cache and the bytecode
        for _ in range(RUNS):
            samples["imports"].append(wall_time(BASELINE, env))
            for name, argv in COMMANDS.items():
                samples[name].append(wall_time(argv, env))
    base = statistics.median(samples["imports"])
    print(f"runs: {RUNS} each, interleaved")
    print(f"imports only     median {base * 1000:7.1f} ms")
    for name in COMMANDS:
        median = statistics.median(samples[name])
        print(f"npqplan {name:<8} median {median * 1000:7.1f} ms   ratio {median / base:.2f}")


if __name__ == "__main__":
    main()
