"""What a user of a typer and rich command line expects: --version, shell completion, help
without type noise, and plain text wherever there is no terminal."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib import metadata

import pytest
from typer.testing import CliRunner

from npqplan import __version__
from npqplan.cli import app

COMMANDS = [
    "list", "show", "validate", "calendars", "schedule", "export", "check-hours", "log",
    "status", "replan", "today", "week", "done", "missed", "cohort", "sync",
]  # fmt: skip
TYPE_NOISE = re.compile(r"<(str|bool|float|int|path|list\[[a-z]+\])>")
runner = CliRunner()


def help_of(*args: str) -> str:
    result = runner.invoke(app, [*args, "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_version_is_the_installed_one() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"npqplan {__version__}\n"
    assert __version__ == metadata.version("npqplan")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example_and_no_type_names(command: str) -> None:
    text = help_of(command)
    assert f"Example: npqplan {command}" in text
    assert TYPE_NOISE.findall(text) == [], text


def test_the_overview_lists_every_command_in_one_line_each() -> None:
    text = help_of()
    listed = text.split("Commands:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in listed] == COMMANDS
    assert not [line for line in listed if line.rstrip().endswith("...")], listed
    assert "--version" in text
    assert "--install-completion" in text


def test_help_paragraphs_are_wrapped_to_the_terminal_not_to_the_source() -> None:
    """A docstring's own line breaks must not show: "compares them / with the plan"."""
    assert "compares them with the plan up to --today" in " ".join(help_of("check-hours").split())
    export = help_of("export").splitlines()
    assert not [line for line in export if line.strip() in {"re-plan, export again:", "after a"}]
    assert all(len(line) <= 80 for line in export)


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR"}}
    return subprocess.run(
        [sys.executable, "-m", "npqplan", *args],
        capture_output=True,
        text=True,
        env={**environment, **env},
        timeout=60,
        check=False,
    )


def test_bash_completion_offers_commands_and_format_values() -> None:
    commands = run(_NPQPLAN_COMPLETE="complete_bash", COMP_WORDS="npqplan sch", COMP_CWORD="1")
    assert commands.stdout.split() == ["schedule"]
    formats = run(
        _NPQPLAN_COMPLETE="complete_bash",
        COMP_WORDS="npqplan schedule --format ",
        COMP_CWORD="3",
    )
    assert formats.stdout.split() == ["table", "json", "csv", "markdown"]


def test_show_completion_prints_a_script_for_the_shell() -> None:
    shown = run("--show-completion", "bash")
    assert shown.returncode == 0, shown.stderr
    assert "_NPQPLAN_COMPLETE=complete_bash" in shown.stdout


def test_a_piped_run_prints_no_colour_codes(tmp_path_factory: pytest.TempPathFactory) -> None:
    home = tmp_path_factory.mktemp("home")
    piped = run("check-hours", "npqel", "--start", "2024-09", NPQPLAN_HOME=str(home))
    assert piped.returncode == 0, piped.stderr
    assert "Verdict:" in piped.stdout
    assert "\x1b[" not in piped.stdout
    forced = run("--version", FORCE_COLOR="1", NO_COLOR="1", NPQPLAN_HOME=str(home))
    assert "\x1b[" not in forced.stdout
