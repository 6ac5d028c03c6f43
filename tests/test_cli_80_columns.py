"""Every command's table output at 80 columns, the width of a default terminal and of a pipe.

Run in process with typer's CliRunner; NPQPLAN_REGENERATE_GOLDEN=1 rewrites the files.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from npqplan.cli import app

GOLDEN = Path(__file__).parent / "golden" / "80"
REGENERATE = os.environ.get("NPQPLAN_REGENERATE_GOLDEN") == "1"
WIDTH = 80
TODAY = "2025-01-20"

# (golden file, command line); the state ones run after a plan is saved and hours logged.
COMMANDS = [
    ("list", ["list"]),
    ("calendars", ["calendars"]),
    ("schedule-npqh-ambition", ["schedule", "npqh-ambition", "--start", "2024-09", "--no-save"]),
    ("check-hours-npqh-ambition", ["check-hours", "npqh-ambition", "--start", "2024-09"]),
    ("show-npqel", ["show", "npqel"]),
    ("schedule-npqel", ["schedule", "npqel", "--start", "2024-09"]),
    ("check-hours-npqel", ["check-hours", "npqel", "--start", "2024-09"]),
    ("check-hours-all-starts", ["check-hours", "npqel", "--all-starts", "2024-09..2025-08"]),
    ("check-hours-logged", ["check-hours", "--today", TODAY]),
    ("status", ["status", "--today", TODAY]),
    ("log-list", ["log", "--list"]),
    ("replan-preview", ["replan", "--today", TODAY]),
    ("today", ["today", "--today", "2025-01-21"]),
    ("week", ["week", "--today", TODAY]),
    ("week-next", ["week", "next", "--today", TODAY]),
    # These change the state, so they come last: a tick, a miss, and the week they leave.
    ("done", ["done", "1", "2", "--today", "2025-01-23"]),
    ("missed", ["missed", "2", "--today", "2025-01-23"]),
    ("week-marked", ["week", "--today", "2025-01-23"]),
]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("home")
    env = {
        "NPQPLAN_HOME": str(home),
        "NPQPLAN_PROGRAMMES": str(home / "programmes"),
        "COLUMNS": str(WIDTH),
        "NO_COLOR": "1",
        "TERM": "dumb",
    }
    runner = CliRunner()
    setup = [
        ["schedule", "npqel", "--start", "2024-09", "--format", "json"],
        ["log", "1.5", "--on", "2024-11-12", "-c", "learning journal", "--today", TODAY],
        ["log", "10", "--on", "2024-10-24", "-c", "residential event", "--today", TODAY],
    ]
    for args in setup:
        done = runner.invoke(app, args, env=env)
        assert done.exit_code == 0, done.output
    found = {}
    for name, args in COMMANDS:
        result = runner.invoke(app, args, env=env)
        assert result.exit_code in (0, 1, 2), result.output
        found[name] = result.stdout
    return found


@pytest.mark.parametrize(("name", "args"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_table_output_at_80_columns_matches_its_golden_file(
    outputs: dict[str, str], name: str, args: list[str]
) -> None:
    text = outputs[name]
    path = GOLDEN / f"{name}.txt"
    if REGENERATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; regenerate if intended"


@pytest.mark.parametrize(("name", "args"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_no_line_is_wider_than_80_columns(
    outputs: dict[str, str], name: str, args: list[str]
) -> None:
    wide = [line for line in outputs[name].splitlines() if cell_len(line) > WIDTH]
    assert wide == []


@pytest.mark.parametrize(("name", "args"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_no_line_ends_in_spaces(outputs: dict[str, str], name: str, args: list[str]) -> None:
    padded = [line for line in outputs[name].splitlines() if line != line.rstrip()]
    assert padded == []


def test_nothing_is_cut_short_at_80_columns(outputs: dict[str, str]) -> None:
    """What issue 10 saw at 80 columns: cut verdicts, term headings without their end date,
    an hours unit alone on a line, wrapped lines that lose their indent, and a table in
    another box."""
    starts = outputs["check-hours-all-starts"].splitlines()
    rows = [line for line in starts if line[:4].isdigit()]
    assert len(rows) == 12
    assert all(line.rstrip().endswith("within") for line in rows)
    headings = [line for line in outputs["schedule-npqel"].splitlines() if " h (" in line]
    assert headings, "no term headings"
    assert all(line.rstrip().endswith(")") for line in headings), headings
    for text in outputs.values():
        alone = [line for line in text.splitlines() if line.split()[:1] in (["h"], ["h)"])]
        assert alone == [], "an hours unit wrapped away from its figure"
        split = [line for line in text.splitlines() if re.match(r"\s*min\b", line)]
        assert split == [], "a duration in minutes wrapped away from its figure"
        assert "…" not in text, "a name cut short"
        assert "┃" not in text, "a table with a heavy box"
    sources = outputs["show-npqel"].split("Sources\n", 1)[1].split("\n\n", 1)[0]
    assert all(line.startswith("  ") for line in sources.splitlines()), sources
