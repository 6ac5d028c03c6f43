"""Shared fixtures: the CLI run as a user would, with its own state folder.

`run_cli` runs the real typer app in this process (typer's CliRunner, in the test's folder),
which checks the same argv-to-exit-code path as a subprocess at a fraction of the cost;
`run_process` starts `python -m npqplan` for what only a real process shows (its exit on a
traceback, the entry point, several processes at once).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

# pytest-xdist workers start with COLUMNS=80, and rich fixes a console's width from COLUMNS
# when the console is made, at import; each run below sets the width it wants instead.
os.environ.pop("COLUMNS", None)

from npqplan.cli import app

REPO = Path(__file__).resolve().parents[1]
PROGRAMMES = REPO / "programmes"

RunCli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def npqplan_home(tmp_path: Path) -> Path:
    home = tmp_path / "state"
    home.mkdir()
    return home


def _environment(
    npqplan_home: Path, tmp_path: Path, extra: dict[str, str] | None
) -> dict[str, str]:
    return {
        "NPQPLAN_HOME": str(npqplan_home),
        "NPQPLAN_PROGRAMMES": str(tmp_path / "user-programmes"),
        "COLUMNS": "100",
        "NO_COLOR": "1",
        **(extra or {}),
    }


@pytest.fixture
def run_cli(npqplan_home: Path, tmp_path: Path) -> RunCli:
    """Run `npqplan ARGS` in process, from the test's folder, state kept in a temporary folder."""

    def run(
        *args: str,
        env: dict[str, str] | None = None,
        stdin: str | None = None,
        timeout: float = 120,
    ) -> subprocess.CompletedProcess[str]:
        runner = CliRunner()
        with contextlib.chdir(tmp_path):
            result = runner.invoke(
                app, list(args), env=_environment(npqplan_home, tmp_path, env), input=stdin
            )
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception  # a traceback is a failure, whatever the test expected
        return subprocess.CompletedProcess(
            ["npqplan", *args], result.exit_code, result.stdout, result.stderr
        )

    return run


@pytest.fixture
def run_process(npqplan_home: Path, tmp_path: Path) -> RunCli:
    """Run `python -m npqplan ARGS` as a separate process, as a user's shell would."""

    def run(
        *args: str,
        env: dict[str, str] | None = None,
        stdin: str | None = None,
        timeout: float = 120,
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "npqplan", *args],
            capture_output=True,
            text=True,
            env={**os.environ, **_environment(npqplan_home, tmp_path, env)},
            input=stdin,
            timeout=timeout,
            cwd=tmp_path,
            check=False,
        )

    return run
