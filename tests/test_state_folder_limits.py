"""The state folder on real limited file systems: read-only, and a disk with no space left.

These mount a real tmpfs (and a read-only bind mount of it), which needs root's mount
privilege; elsewhere they skip, saying so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import RunCli


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True, check=False).returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs of its own, so that filling it fills nothing else."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if shutil.which("mount") is None or not _mount(
        "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount_point)
    ):
        pytest.skip("mounting a small tmpfs needs root's mount privilege")
    try:
        yield mount_point
    finally:
        _mount_off(mount_point)


def _mount_off(mount_point: Path) -> None:
    subprocess.run(["umount", "-l", str(mount_point)], capture_output=True, check=False)


def _fill(disk: Path, leave: int = 0) -> None:
    """Fill the disk to its last byte, or to `leave` bytes free."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)
    if leave:
        os.truncate(filler, filler.stat().st_size - leave)


def _state_with_a_plan_and_a_log(run_cli: RunCli, home: Path) -> dict[str, str]:
    env = {"NPQPLAN_HOME": str(home)}
    assert run_cli("schedule", "npqel", "--start", "2024-09", env=env).returncode == 0
    assert run_cli("log", "1.5", "--on", "2024-09-10", env=env).returncode == 0
    return env


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_a_read_only_state_folder_is_read_and_a_write_says_it_is_read_only(
    run_cli: RunCli, small_disk: Path, tmp_path: Path
) -> None:
    env = _state_with_a_plan_and_a_log(run_cli, small_disk / "home")
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    if not (
        _mount("--bind", str(small_disk), str(read_only))
        and _mount("-o", "remount,ro,bind", str(read_only))
    ):
        pytest.skip("a read-only bind mount needs root's mount privilege")
    try:
        env = {"NPQPLAN_HOME": str(read_only / "home")}
        listed = run_cli("log", "--list", env=env)
        assert listed.returncode == 0, listed.stderr
        assert "Tue 10 Sep 2024" in listed.stdout
        status = run_cli("status", "--today", "2024-10-01", env=env)
        assert status.returncode == 0, status.stderr
        assert "1.5 h of" in status.stdout
        assert run_cli("check-hours", env=env).returncode in (0, 1)

        logged = run_cli("log", "1", "--on", "2024-09-11", env=env)
        assert logged.returncode == 2
        assert logged.stderr.strip().splitlines() == [
            f"error: cannot save to the state folder {read_only / 'home'}: it is read-only "
            "(reading commands such as status still work)"
        ]
    finally:
        _mount_off(read_only)


def test_with_no_space_left_reading_works_and_writing_says_so_and_changes_nothing(
    run_cli: RunCli, small_disk: Path, tmp_path: Path
) -> None:
    home = small_disk / "home"
    env = _state_with_a_plan_and_a_log(run_cli, home)
    _fill(small_disk)
    before = _snapshot(home)

    assert "Tue 10 Sep 2024" in run_cli("log", "--list", env=env).stdout
    assert run_cli("status", "--today", "2024-10-01", env=env).returncode == 0
    database = home / "npqplan.sqlite3"
    for args in (
        ("log", "1", "--on", "2024-09-11"),
        ("export", "--ics", str(tmp_path / "plan.ics")),
    ):
        result = run_cli(*args, env=env)
        assert result.returncode == 2, args
        assert result.stderr.strip().splitlines() == [
            f"error: no space left on device: cannot write the state file {database}"
        ], args
    assert not (tmp_path / "plan.ics").exists()
    (small_disk / "filler").unlink()
    assert _snapshot(home)["npqplan.sqlite3"] == before["npqplan.sqlite3"]
    assert "Wed 11 Sep 2024" not in run_cli("log", "--list", env=env).stdout


def test_a_disk_that_fills_while_sqlite_writes_is_said_plainly_and_nothing_is_exported(
    run_cli: RunCli, small_disk: Path
) -> None:
    home = small_disk / "home"
    env = _state_with_a_plan_and_a_log(run_cli, home)
    _fill(small_disk, leave=8192)
    calendar = small_disk / "plan.ics"
    result = run_cli("export", "--ics", str(calendar), env=env)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: no space left on device: cannot write the state file {home / 'npqplan.sqlite3'}"
    ]
    assert not calendar.exists()
    (small_disk / "filler").unlink()
    again = run_cli("export", "--ics", str(calendar), env=env)
    assert again.returncode == 0, again.stderr
    assert "SEQUENCE:0" in calendar.read_text()
    assert "SEQUENCE:1" not in calendar.read_text()
