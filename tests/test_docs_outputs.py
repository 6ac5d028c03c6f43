"""Every command output the README and docs/ show is what the program prints.

A ```text block of `$ npqplan ...` lines, each followed by what it prints (standard output,
then standard error), is run in order in a new state folder, at 80 columns, on Tuesday 21
January 2025, from a folder holding the files in tests/fixtures/docs/. A `...` line stands for
any number of lines left out.
"""

from __future__ import annotations

import contextlib
import re
import shlex
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from npqplan.cli import app

REPO = Path(__file__).resolve().parents[1]
FILES = Path(__file__).parent / "fixtures" / "docs"
DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```text\n(\$ npqplan .*?)^```$", re.MULTILINE | re.DOTALL)
ENV = {
    "COLUMNS": "80",
    "NO_COLOR": "1",
    "TERM": "dumb",
    "NPQPLAN_TODAY": "2025-01-21",
    "SOURCE_DATE_EPOCH": "1735689600",
}


def blocks() -> list[tuple[str, str]]:
    found = []
    for document in DOCUMENTS:
        text = document.read_text(encoding="utf-8")
        for number, match in enumerate(BLOCK.finditer(text), start=1):
            found.append((f"{document.name}#{number}", match[1]))

    return found


def steps(block: str) -> list[tuple[list[str], list[str]]]:
    """Each `$ npqplan ARGS` with the lines shown after it."""
    runs: list[tuple[list[str], list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ npqplan "):
            runs.append((shlex.split(line)[2:], []))
        else:
            runs[-1][1].append(line)
    return runs


def matches(shown: list[str], printed: list[str]) -> bool:
    """Whether `printed` is `shown`, a `...` line standing for any run of lines."""
    if not shown:
        return not printed
    if shown[0] == "...":
        return any(matches(shown[1:], printed[skip:]) for skip in range(len(printed) + 1))
    return bool(printed) and shown[0] == printed[0] and matches(shown[1:], printed[1:])


CASES = blocks()


def test_the_documents_show_some_runnable_output() -> None:
    assert len(CASES) >= 3


@pytest.mark.parametrize(("where", "block"), CASES, ids=[where for where, _ in CASES])
def test_each_output_shown_is_what_the_command_prints(
    tmp_path: Path, where: str, block: str
) -> None:
    for file in FILES.iterdir():
        shutil.copy(file, tmp_path / file.name)
    env = {
        **ENV,
        "NPQPLAN_HOME": str(tmp_path / "state"),
        "NPQPLAN_PROGRAMMES": str(tmp_path / "programmes"),
    }
    runner = CliRunner()
    for args, shown in steps(block):
        with contextlib.chdir(tmp_path):
            result = runner.invoke(app, args, env=env)
        printed = (result.stdout + result.stderr).splitlines()
        assert matches(shown, printed), (where, args, "\n".join(printed))
