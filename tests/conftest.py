"""Shared fixtures: the real CLI in a subprocess, with its own state folder."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PROGRAMMES = REPO / "programmes"

RunCli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def npqplan_home(tmp_path: Path) -> Path:
    home = tmp_path / "state"
    home.mkdir()
    return home


@pytest.fixture
def run_cli(npqplan_home: Path, tmp_path: Path) -> RunCli:
    """Run `python -m npqplan ARGS` as a user would, state kept in a temporary folder."""

    def run(
        *args: str,
        env: dict[str, str] | None = None,
        stdin: str | None = None,
        timeout: float = 120,
    ) -> subprocess.CompletedProcess[str]:
        environment = {
            **os.environ,
            "NPQPLAN_HOME": str(npqplan_home),
            "NPQPLAN_PROGRAMMES": str(tmp_path / "user-programmes"),
            "COLUMNS": "100",
            "NO_COLOR": "1",
            **(env or {}),
        }
        return subprocess.run(
            [sys.executable, "-m", "npqplan", *args],
            capture_output=True,
            text=True,
            env=environment,
            input=stdin,
            timeout=timeout,
            cwd=tmp_path,
            check=False,
        )

    return run
