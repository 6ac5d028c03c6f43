"""How long `npqplan sync` takes against a local Radicale server, beside two yardsticks.

What it measures, in one run, each round in a new state folder and a new calendar:

1. `sync` the first time: npqel from September 2024 (81 sessions), every event new.
2. `sync` again with no change: one PROPFIND, no write (the issue's target: under 1 s).
3. `sync` after a re-plan (`--study-days mon,wed`): most events updated.
Yardsticks in the same rounds: the framework floor (bench/floor_app.py: no command can cost
less) and the same 81 events PUT one by one with the `caldav` library alone, in process (what
the server itself costs, with no npqplan around it). Each line gives the median wall time, the
minimum, the ratio to the floor and, for the first sync, to the bare PUTs.

Targets (issue 23): first sync of npqel under 5 s, a no-change sync under 1 s (medians). It
prints and never fails on a time. Run from the checkout with the venv's interpreter:
`.venv/bin/python bench/sync.py`; BENCH_RUNS (default 7) sets the rounds.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import caldav

from npqplan import ics
from npqplan.request import PlanRequest, make_plan, parse_start

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
USER, PASSWORD = "bench", "bench-password"
FLOOR_APP = Path(__file__).with_name("floor_app.py")
NPQPLAN = [sys.executable, "-m", "npqplan"]
TARGETS = {"sync, first time": 5.0, "sync, no change": 1.0}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_radicale(folder: Path, port: int) -> subprocess.Popen[bytes]:
    (folder / "users").write_text(f"{USER}:{PASSWORD}\n")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "radicale", "--config", "",
            "--server-hosts", f"127.0.0.1:{port}",
            "--auth-type", "htpasswd", "--auth-htpasswd-filename", str(folder / "users"),
            "--auth-htpasswd-encryption", "plain", "--auth-delay", "0",
            "--storage-filesystem-folder", str(folder / "storage"),
            "--logging-level", "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("Radicale did not start")


def timed(command: list[str], env: dict[str, str]) -> float:
    begin = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - begin
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr}")
    return elapsed


def bare_puts(url: str) -> float:
    """The same 81 events, the same bytes, PUT one by one into a new calendar with the caldav
    library alone: what the server and the library cost without npqplan around them."""
    plan = make_plan(PlanRequest(programme="npqel", start="2024-09"), None).plan
    key = ics.plan_key(plan.programme_id, parse_start("2024-09"))
    stamp = datetime(2025, 1, 1, tzinfo=UTC)
    export = ics.export_calendar(plan, key=key, generated_at=stamp)
    bodies = [(e.uid, ics.event_resource(plan, e, generated_at=stamp)) for e in export.events]
    client = caldav.DAVClient(url=url, username=USER, password=PASSWORD, auth_type="basic")
    target = client.principal().make_calendar(name=f"bare {uuid.uuid4().hex[:8]}")
    begin = time.perf_counter()
    for uid, body in bodies:
        client.put(
            str(target.url.join(f"{uid}.ics")),
            body.decode(),
            {"Content-Type": "text/calendar; charset=utf-8", "If-None-Match": "*"},
        )
    return time.perf_counter() - begin


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        port = free_port()
        server = start_radicale(root, port)
        url = f"http://127.0.0.1:{port}/"
        times: dict[str, list[float]] = {
            "framework floor": [],
            "caldav alone: 81 PUTs": [],
            "sync, first time": [],
            "sync, no change": [],
            "sync after a re-plan": [],
        }
        try:
            for round_number in range(RUNS):
                home = root / f"home-{round_number}"
                env = {
                    **os.environ,
                    "NPQPLAN_HOME": str(home),
                    "NPQPLAN_PROGRAMMES": str(root / "none"),
                    "NPQPLAN_CALDAV_PASSWORD": PASSWORD,
                    "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
                    "SOURCE_DATE_EPOCH": "1735689600",
                }
                times["framework floor"].append(
                    timed([sys.executable, str(FLOOR_APP), "hello"], env)
                )
                times["caldav alone: 81 PUTs"].append(bare_puts(url))
                timed([*NPQPLAN, "schedule", "npqel", "--start", "2024-09"], env)
                first = [*NPQPLAN, "sync", "--url", url, "--user", USER]
                times["sync, first time"].append(
                    timed([*first, "--calendar", f"plan {round_number}"], env)
                )
                times["sync, no change"].append(timed([*NPQPLAN, "sync"], env))
                timed(
                    [
                        *NPQPLAN,
                        "schedule",
                        "npqel",
                        "--start",
                        "2024-09",
                        "--study-days",
                        "mon,wed",
                    ],
                    env,
                )
                times["sync after a re-plan"].append(timed([*NPQPLAN, "sync"], env))
        finally:
            server.terminate()
            server.wait(timeout=10)
    floor = statistics.median(times["framework floor"])
    bare = statistics.median(times["caldav alone: 81 PUTs"])
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"{RUNS} rounds; npqel from 2024-09 (81 sessions); Radicale on 127.0.0.1; load {load:.2f}"
    )
    print(f"{'':24} {'median':>8} {'min':>8} {'/ floor':>8} {'/ bare':>7} {'target':>8}")
    for name, values in times.items():
        median = statistics.median(values)
        target = TARGETS.get(name)
        verdict = (
            "" if target is None else f"< {target:g} s " + ("ok" if median < target else "MISSED")
        )
        ratio = f"{median / bare:7.2f}" if name == "sync, first time" else " " * 7
        print(
            f"{name:24} {median:7.3f}s {min(values):7.3f}s {median / floor:8.2f} {ratio} {verdict}"
        )


if __name__ == "__main__":
    main()
