"""What the hostile corpora share: a home with a plan saved, made once per module."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from npqplan.cli import app
from tests.hostile.test_hostile import NPQEL, TODAY


@pytest.fixture(scope="module")
def saved_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with a current plan (npqel from 2024-09) and one logged entry."""
    home = tmp_path_factory.mktemp("saved")
    for args in (["schedule", *NPQEL, "--format", "json"], ["log", "1.5", "--on", "2024-11-12"]):
        result = CliRunner().invoke(app, args, env={"NPQPLAN_HOME": str(home), **TODAY})
        assert result.exit_code == 0, result.output
    return home
