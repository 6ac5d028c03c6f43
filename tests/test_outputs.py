"""Outputs go where the user points, inputs are regular files, and standard output errors end
in one line: symlinks, devices, FIFOs, the umask, a full disk and a closed pipe."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from npqplan.atomic import write_output
from npqplan.errors import InvalidFileError
from npqplan.loader import load_programme
from tests.conftest import PROGRAMMES, RunCli

NPQEL = ("npqel", "--start", "2024-09")


def test_a_symlink_is_written_through_to_its_target(run_cli: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "mine.csv"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    result = run_cli("schedule", *NPQEL, "--format", "csv", "-o", "link.csv")
    assert result.returncode == 0, result.stderr
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8").startswith("week_start,")


def test_a_new_file_gets_the_mode_the_umask_gives_and_an_old_one_keeps_its_own(
    tmp_path: Path,
) -> None:
    old = os.umask(0o027)
    try:
        write_output(str(tmp_path / "new.txt"), b"new")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640
    kept = tmp_path / "kept.txt"
    kept.write_bytes(b"old")
    kept.chmod(0o604)
    write_output(str(kept), b"new")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o604
    assert kept.read_bytes() == b"new"


def test_a_character_device_is_written_directly_not_replaced() -> None:
    write_output("/dev/null", b"anything")
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)


def test_a_fifo_given_as_a_programme_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "programme.yaml"
    os.mkfifo(fifo)
    with pytest.raises(InvalidFileError) as caught:
        load_programme(fifo)
    assert caught.value.lines() == [f"{fifo}: is not a regular file"]


def test_a_date_outside_2000_to_2100_is_refused_with_its_place(tmp_path: Path) -> None:
    text = (PROGRAMMES / "npqsl.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "far.yaml"
    assert "window_days:" in text
    broken.write_text(text.replace("window_days:", "start: 9999-12-31\n  window_days:", 1), "utf-8")
    with pytest.raises(InvalidFileError) as caught:
        load_programme(broken)
    assert (
        "assessment.start: must be a date from 2000 to 2100 (got 9999-12-31)"
        in (caught.value.lines()[0])
    )


def run(*args: str, stdout: int | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "npqplan", *args],
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        timeout=60,
        check=False,
    )


def test_a_full_disk_on_standard_output_is_one_line_not_a_traceback(
    npqplan_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NPQPLAN_HOME", str(npqplan_home))
    with open("/dev/full", "wb") as full:
        result = run("schedule", *NPQEL, "--no-save", stdout=full.fileno())
    assert result.returncode == 2
    assert result.stderr.decode() == ("error: cannot write the output: No space left on device\n")


def test_a_closed_pipe_ends_quietly(npqplan_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NPQPLAN_HOME", str(npqplan_home))
    reader, writer = os.pipe()
    os.close(reader)
    try:
        result = run("schedule", *NPQEL, "--no-save", stdout=writer)
    finally:
        os.close(writer)
    assert result.returncode == 0
    assert result.stderr == b""
