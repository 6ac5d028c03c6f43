"""Each command pays only for what it uses: a real `python -m npqplan` process, then a look at
which heavy modules it loaded. icalendar is for calendar files, multiprocessing and
rich.progress for cohorts, PyYAML for a file the parse cache has not seen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from npqplan.cache import ParseCache
from npqplan.loader import load_programme
from npqplan.schema import Programme
from tests.conftest import PROGRAMMES

HEAVY = ("icalendar", "yaml", "multiprocessing", "concurrent.futures", "rich.progress")
# Runs the command as `python -m npqplan` does, then prints which of HEAVY it imported.
PROBE = f"""
import json, runpy, sys
sys.argv = ["npqplan", *sys.argv[1:]]
try:
    runpy.run_module("npqplan", run_name="__main__")
except SystemExit:
    pass
print(json.dumps(sorted(m for m in {HEAVY} if m in sys.modules)), file=sys.stderr)
"""


def imported(home: Path, *args: str) -> list[str]:
    env = {
        **os.environ,
        "NPQPLAN_HOME": str(home),
        "NPQPLAN_PROGRAMMES": str(home / "programmes"),
        "NPQPLAN_TODAY": "2025-01-20",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode in (0, 1), result.stderr
    found: list[str] = json.loads(result.stderr.strip().splitlines()[-1])
    return found


@pytest.mark.slow
@pytest.mark.parametrize("programme", ["npqel", "npqh-ambition"])
def test_schedule_status_and_check_hours_import_nothing_they_do_not_use(
    tmp_path: Path, programme: str
) -> None:
    plan = [programme, "--start", "2024-09"]
    first = imported(tmp_path, "schedule", *plan)
    assert "icalendar" not in first
    assert "multiprocessing" not in first
    assert "yaml" in first, "the first run parses the programme"
    imported(tmp_path, "log", "1h", "--on", "2024-11-12")
    for command in (["schedule", *plan], ["status"], ["check-hours", *plan], ["check-hours"]):
        assert imported(tmp_path, *command) == [], command
    for command in (["today"], ["week"], ["done", "1"]):
        assert imported(tmp_path, *command) == [], command
    for command in (["list"], ["calendars"]):
        imported(tmp_path, *command)  # the first run parses every file into the cache
        assert imported(tmp_path, *command) == [], command


@pytest.mark.parametrize("path", sorted(PROGRAMMES.glob("*.yaml")), ids=lambda path: path.stem)
def test_the_parse_cache_hits_for_every_bundled_programme(tmp_path: Path, path: Path) -> None:
    """A component's `time:` was written back as "15:30:00", which the schema refuses, so the
    eight programmes with one parsed their YAML on every run."""
    cache = ParseCache(tmp_path)
    parsed = load_programme(path, cache=cache)
    assert cache.lookup(Programme, path) == parsed


def test_each_command_is_found_in_the_module_a_run_builds_alone() -> None:
    """`main` builds only the module of the command it is given: the map must name them all."""
    from typer.main import get_group

    from npqplan.cli import COMMAND_MODULES, GROUPS, build_app

    assert set(get_group(build_app()).commands) == set(COMMAND_MODULES)
    for command, module in COMMAND_MODULES.items():
        assert module in GROUPS
        assert command in get_group(build_app([module])).commands, command


@pytest.mark.slow
def test_a_run_imports_only_the_module_of_its_command(tmp_path: Path) -> None:
    probe = PROBE.replace(repr(HEAVY), repr(("npqplan.cli.cohort", "npqplan.cli.plan")))
    env = {**os.environ, "NPQPLAN_HOME": str(tmp_path), "NPQPLAN_TODAY": "2025-01-20"}
    result = subprocess.run(
        [sys.executable, "-c", probe, "calendars"], env=env, capture_output=True, text=True
    )
    assert json.loads(result.stderr.strip().splitlines()[-1]) == []


def complete(home: Path, words: str) -> list[str]:
    """What bash completion offers for the last of `words`, from a real process."""
    env = {
        **os.environ,
        "NPQPLAN_HOME": str(home),
        "NPQPLAN_PROGRAMMES": str(home / "programmes"),
        "_NPQPLAN_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
    }
    result = subprocess.run(
        [sys.executable, "-m", "npqplan"], env=env, capture_output=True, text=True, check=False
    )
    return result.stdout.split()


@pytest.mark.slow
def test_why_completion_offers_programme_ids_calendar_names_and_component_names(
    tmp_path: Path,
) -> None:
    assert complete(tmp_path, "npqplan schedule npqh-") == sorted(
        path.stem for path in PROGRAMMES.glob("npqh-*.yaml")
    )
    assert complete(tmp_path, "npqplan schedule npqel --calendar ke") == ["kent"]
    assert complete(tmp_path, "npqplan show npqel-") == ["npqel-llse", "npqel-olp"]
    assert complete(tmp_path, "npqplan log 1 -c Lea") == [], "no current plan yet"
    imported(tmp_path, "schedule", "npqel", "--start", "2024-09")
    offered = complete(tmp_path, "npqplan log 1 -c Lea")
    # Two names, each split at its space by the test's reading of the output.
    assert offered == ["Leadership", "audit", "Learning", "journal"]
