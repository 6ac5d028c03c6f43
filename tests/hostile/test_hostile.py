"""Hostile input: every case ends with exit code 2 and one line on standard error, no traceback,
within 2 s and 150 MB, and leaves the state folder byte for byte as it was.

The cases are programme, term-dates and cohort files (here and in tests/fixtures/invalid),
command-line values, and damage done to the state file. Each runs in process against a home
that already holds a saved plan and a log entry; the parse cache (`cache/`, which npqplan may
always rebuild) is left out of the comparison.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from npqplan.cli import app
from tests.conftest import REPO

FILES = Path(__file__).parent / "files"
INVALID_PROGRAMMES = sorted((REPO / "tests" / "fixtures" / "invalid").glob("*.yaml"))
NPQEL = ["npqel", "--start", "2024-09"]
MOST_SECONDS = 2.0
MOST_BYTES = 150 * 1024 * 1024
TODAY = {"NPQPLAN_TODAY": "2025-01-20"}

Damage = Callable[[Path], None]


def sql(statement: str, *values: object) -> Damage:
    def damage(home: Path) -> None:
        with contextlib.closing(sqlite3.connect(home / "npqplan.sqlite3")) as db, db:
            db.execute(statement, values)

    return damage


def replace_file(data: bytes) -> Damage:
    def damage(home: Path) -> None:
        (home / "npqplan.sqlite3").write_bytes(data)

    return damage


def no_damage(home: Path) -> None:
    pass


CASES: list[tuple[str, list[str], Damage]] = [
    *((f"programme {p.stem}", ["schedule", str(p), "--start", "2024-09"], no_damage)
      for p in INVALID_PROGRAMMES),
    *((f"terms {p.name}", ["schedule", *NPQEL, "--terms", str(p)], no_damage)
      for p in sorted([*FILES.glob("terms-*.yaml"), *FILES.glob("terms-*.ics")])),
    *((f"cohort {p.stem}", ["schedule", *NPQEL, "--cohort", str(p)], no_damage)
      for p in sorted(FILES.glob("cohort-*.yaml"))),
    ("a password file as a programme", ["show", str(FILES / "not-npqplan.txt")], no_damage),
    ("a password file as terms", ["schedule", *NPQEL, "--terms", str(FILES / "not-npqplan.txt")],
     no_damage),
    ("a folder as a cohort file", ["schedule", *NPQEL, "--cohort", str(FILES)], no_damage),
    ("a device as a programme", ["schedule", "/dev/zero", "--start", "2024-09"], no_damage),
    ("a missing terms file", ["schedule", *NPQEL, "--terms", "nowhere.yaml"], no_damage),
    ("start in year 1", ["schedule", "npqel", "--start", "0001-01"], no_damage),
    ("start in year 9999", ["schedule", "npqel", "--start", "9999-12"], no_damage),
    ("start not a month", ["schedule", "npqel", "--start", "banana"], no_damage),
    ("start month 13", ["schedule", "npqel", "--start", "2024-13"], no_damage),
    ("study time too late", ["schedule", *NPQEL, "--study-time", "23:59"], no_damage),
    ("study time not a time", ["schedule", *NPQEL, "--study-time", "teatime"], no_damage),
    ("a weekend study day", ["schedule", *NPQEL, "--study-days", "mon,sat"], no_damage),
    ("an unknown study day", ["schedule", *NPQEL, "--study-days", "someday"], no_damage),
    ("a blocked day that is no date", ["schedule", *NPQEL, "--block", "2024-02-30"], no_damage),
    ("a blocked range backwards",
     ["schedule", *NPQEL, "--block", "2024-10-10..2024-10-01"], no_damage),
    ("sessions of 9 hours", ["schedule", *NPQEL, "--session-hours", "9"], no_damage),
    ("a weekly cap of 0", ["schedule", *NPQEL, "--weekly-cap", "0"], no_damage),
    ("an unknown calendar", ["schedule", *NPQEL, "--calendar", "narnia"], no_damage),
    ("an unknown format", ["schedule", *NPQEL, "--format", "pdf"], no_damage),
    ("an unknown programme", ["schedule", "npqxx", "--start", "2024-09"], no_damage),
    ("a programme and no start", ["schedule", "npqel"], no_damage),
    ("all starts backwards", ["check-hours", "npqel", "--all-starts", "2025-08..2024-09"],
     no_damage),
    ("a huge undo id", ["log", "--undo", "99999999999999999999999"], no_damage),
    ("no such entry to undo", ["log", "--undo", "42"], no_damage),
    ("25 hours in a day", ["log", "25"], no_damage),
    ("a day that does not exist", ["log", "1", "--on", "2024-02-30"], no_damage),
    ("a day after today", ["log", "1", "--on", "2025-01-21"], no_damage),
    ("a reminder of a year", ["export", *NPQEL, "--ics", "x.ics", "--remind", "365d"], no_damage),
    ("an ICS into a missing folder", ["export", *NPQEL, "--ics", "missing/x.ics"], no_damage),
    ("an output into a missing folder",
     ["schedule", "npqsl", "--start", "2025-01", "-o", "missing-dir/x.txt"], no_damage),
    ("today not a date", ["status", "--today", "yesterday"], no_damage),
    ("a saved plan that is not JSON", ["status"],
     sql("UPDATE current_plan SET request = 'not json'")),
    ("a saved plan that is a list", ["schedule"], sql("UPDATE current_plan SET request = '[1]'")),
    ("a saved plan with a bad start", ["check-hours"],
     sql("""UPDATE current_plan SET request = '{"programme": "npqel", "start": "2024-13"}'""")),
    ("a saved plan with -5 h sessions", ["status"],
     sql("UPDATE current_plan SET request = json_set(request, '$.session_hours', -5)")),
    ("a saved plan of an unknown programme", ["status"],
     sql("UPDATE current_plan SET request = json_set(request, '$.programme', 'npqzz')")),
    ("a state file that is not SQLite", ["status"], replace_file(b"not a database at all" * 50)),
    ("a state file from a newer npqplan", ["log", "--list"], sql("PRAGMA user_version = 99")),
]  # fmt: skip


def state_of(home: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(home)): path.read_bytes()
        for path in sorted(home.rglob("*"))
        if path.is_file() and path.relative_to(home).parts[0] != "cache"
    }


def test_the_corpus_is_at_least_60_inputs() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize(("args", "damage"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_input_is_one_line_exit_2_quickly_and_changes_nothing(
    args: list[str], damage: Damage, saved_home: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    shutil.copytree(saved_home, home)
    damage(home)
    before = state_of(home)
    env = {
        "NPQPLAN_HOME": str(home),
        "NPQPLAN_PROGRAMMES": str(tmp_path / "user-programmes"),
        "COLUMNS": "100",
        **TODAY,
    }
    tracemalloc.start()
    began = time.perf_counter()
    with contextlib.chdir(tmp_path):
        result = CliRunner().invoke(app, args, env=env)
    elapsed = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(("error: ", "/", "nowhere.yaml")), lines[0]
    assert "secret" not in lines[0]
    assert elapsed < MOST_SECONDS
    assert peak < MOST_BYTES
    assert state_of(home) == before
    assert os.listdir(tmp_path) == ["home"], "nothing written beside the state"
