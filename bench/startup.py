"""Median wall time of npqplan commands against importing their libraries alone.

Interleaved runs in one process tree so machine noise hits both sides alike. Prints medians
and ratios; the goals are schedule/imports <= 1.3 and list/imports <= 1.15. Two more lines
frame them: the typer floor (bench/floor_app.py, a command that prints one line with rich),
and schedule's first run in a fresh home, before its caches exist.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = int(os.environ.get("BENCH_RUNS", "15"))
BASELINE = [
    sys.executable,
    "-c",
    "import typer, rich.table, pydantic, yaml, dateutil.relativedelta",
]
FLOOR_APP = str(Path(__file__).with_name("floor_app.py"))
SCHEDULE = [sys.executable, "-m", "npqplan", "schedule", "npqel", "--start", "2024-09"]
COMMANDS = {
    "typer floor": [sys.executable, FLOOR_APP, "hello"],
    "npqplan schedule": SCHEDULE,
    "npqplan list": [sys.executable, "-m", "npqplan", "list"],
}
FIRST_RUN = "schedule, first run"


def wall_time(argv: list[str], env: dict[str, str]) -> float:
    began = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - began


def main() -> None:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "NPQPLAN_HOME": home, "NPQPLAN_PROGRAMMES": home}
        # An installed package has its bytecode compiled by pip; without this, a checkout with
        # PYTHONDONTWRITEBYTECODE set would recompile every npqplan module on every run.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        samples: dict[str, list[float]] = {name: [] for name in ["imports", *COMMANDS, FIRST_RUN]}
        wall_time(SCHEDULE, env)  # warm the file cache, the bytecode and npqplan's caches
        for _ in range(RUNS):
            samples["imports"].append(wall_time(BASELINE, env))
            for name, argv in COMMANDS.items():
                samples[name].append(wall_time(argv, env))
            with tempfile.TemporaryDirectory() as fresh:
                samples[FIRST_RUN].append(wall_time(SCHEDULE, {**env, "NPQPLAN_HOME": fresh}))
    base = statistics.median(samples["imports"])
    print(f"runs: {RUNS} each, interleaved")
    print(f"{'imports only':<20} median {base * 1000:7.1f} ms")
    for name in [*COMMANDS, FIRST_RUN]:
        median = statistics.median(samples[name])
        print(f"{name:<20} median {median * 1000:7.1f} ms   ratio {median / base:.2f}")


if __name__ == "__main__":
    main()
