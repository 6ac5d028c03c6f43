"""Outputs cannot be turned against their reader (issue 20): properties over random text.

- No cell of any CSV output starts a formula (=, +, -, @, tab, carriage return), whatever text a
  programme, a log or a roster put in it.
- A programme name of any characters is refused with one clean line, or reaches the terminal,
  the ICS file and the CSV without a control character other than those they allow (a line
  break on the terminal; CR LF ending an ICS line and a tab inside one, as RFC 5545 allows).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import unicodedata
from dataclasses import replace
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from npqplan import formats
from npqplan.cli import app
from npqplan.plan import Plan
from npqplan.progress import LogEntry
from npqplan.scheduling import build_plan
from tests.conftest import REPO
from tests.planning import calendar, programme

CYCLES = REPO / "tests" / "fixtures" / "v2" / "cycles.yaml"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Text as it comes: formulas, signs, spaces, line breaks, control characters, any letter.
TEXT = st.one_of(
    st.text(min_size=1, max_size=30),
    st.builds(
        lambda head, tail: head + tail,
        st.sampled_from(["=", "+", "-", "@", "\t", "\r", " =", "'", "\n="]),
        st.text(max_size=20),
    ),
)


@cache
def npqel_plan() -> Plan:
    return build_plan(programme(REPO / "programmes" / "npqel.yaml"), calendar("kent"),
                      start=date(2024, 9, 1))  # fmt: skip


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def assert_no_formula(text: str) -> None:
    for cell in cells(text):
        assert not cell.startswith(FORMULA_STARTS), cell


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.one_of(TEXT, st.integers(), st.none()), min_size=1, max_size=6))
def test_no_cell_the_csv_writer_makes_starts_a_formula(values: list[object]) -> None:
    text = formats.csv_text([f"c{n}" for n in range(len(values))], [values])
    assert_no_formula(text)
    # Only the quote is added: a reader who strips it has the text as it was.
    written = cells(text)[len(values) :]
    for cell, value in zip(written, values, strict=True):
        shown = ("" if value is None else str(value)).replace("\r\n", "\n").replace("\r", "\n")
        assert cell in (shown, "'" + shown)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=TEXT, note=TEXT, term=TEXT)
def test_no_cell_of_a_plan_or_log_csv_starts_a_formula(name: str, note: str, term: str) -> None:
    plan = npqel_plan()
    weeks = tuple(
        replace(
            week,
            label=term,
            sessions=tuple(replace(s, component=name, term=term) for s in week.sessions),
        )
        for week in plan.weeks
    )
    assert_no_formula(formats.plan_csv(replace(plan, weeks=weeks)))
    entries = [LogEntry(1, date(2024, 10, 1), 1.5, name, note)]
    assert_no_formula(formats.log_csv(entries))


def control_characters(text: str, allowed: str) -> list[str]:
    return [c for c in text if c not in allowed and unicodedata.category(c) == "Cc"]


def with_name(name: str) -> str:
    """cycles.yaml with TEACH renamed: a YAML double-quoted string of any characters."""
    written = json.dumps(name, ensure_ascii=False)
    return CYCLES.read_text(encoding="utf-8").replace("name: TEACH", f"name: {written}", 1)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(name=st.text(min_size=1, max_size=12))
def test_any_programme_name_is_refused_cleanly_or_reaches_outputs_without_control_characters(
    name: str, tmp_path: Path
) -> None:
    path = tmp_path / "named.yaml"
    path.write_text(with_name(name), encoding="utf-8")
    env = {"NPQPLAN_HOME": str(tmp_path / "home"), "COLUMNS": "100"}
    runner = CliRunner()
    with contextlib.chdir(tmp_path):
        shown = runner.invoke(app, ["schedule", str(path), "--start", "2024-09", "--no-save"],
                              env=env)  # fmt: skip
        if shown.exit_code == 2:
            lines = shown.stderr.splitlines()
            assert len(lines) == 1, shown.stderr
            assert not control_characters(lines[0], ""), lines[0]
            return
        assert shown.exit_code == 0, shown.stderr
        assert not control_characters(shown.stdout, "\n"), shown.stdout
        exported = runner.invoke(app, ["export", str(path), "--start", "2024-09", "--ics", "-"],
                                 env=env)  # fmt: skip
        assert exported.exit_code == 0, exported.stderr
        lines = exported.stdout_bytes.decode("utf-8").split("\r\n")
        assert lines[-1] == "", "every line ends with CR LF"
        for line in lines:
            assert not control_characters(line, "\t"), line
        table = runner.invoke(app, ["show", str(path)], env=env)
        assert not control_characters(table.stdout, "\n"), table.stdout
        plan_csv = runner.invoke(app, ["schedule", str(path), "--start", "2024-09", "--no-save",
                                       "--format", "csv"], env=env)  # fmt: skip
        assert_no_formula(plan_csv.stdout)
