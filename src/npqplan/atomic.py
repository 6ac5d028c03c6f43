"""Write a file so that readers see the old content or the new, never half of either."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from npqplan.errors import Stopped, UsageError


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` via a temporary file in the same folder and an atomic rename.

    The file gets the mode it had, or for a new file the one the umask gives, as any program
    that simply created it would.
    """
    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fchmod(stream.fileno(), _mode_for(path))
            os.fsync(stream.fileno())
        Stopped.check()
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_output(target: str, data: bytes) -> None:
    """Where the user points: `-` is standard output; a symlink is written through to its
    target; a device or a FIFO is written directly; anything else is replaced atomically."""
    if target == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    path = Path(target)
    try:
        # stat() follows links as open() does: /dev/stdout on a pipe is a FIFO to write into,
        # although the link's own target (/proc/PID/fd/pipe:[N]) is no path at all.
        if path.exists() and not stat.S_ISREG(path.stat().st_mode):
            if path.is_dir():
                raise UsageError(f"cannot write {target}: it is a folder")
            with path.open("wb") as stream:
                stream.write(data)
            return
        if path.is_symlink():
            path = path.resolve()
        write_atomic(path, data)
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from None


@contextlib.contextmanager
def new_folder(target: Path, shown: str) -> Iterator[Path]:
    """A folder that appears at `target` whole or not at all.

    It is filled under a hidden temporary name beside `target` and renamed into place when the
    block ends without an error; on an error (or Ctrl-C) the temporary folder is removed and
    `target` is left as it was. `target` must not exist or be an empty folder, so that files of
    an earlier run are never mixed with, or replaced by, a new run's.
    """
    refuse_filled_folder(target, shown)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"cannot write {shown}: no folder {str(parent)!r} to make it in")
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=parent))
    except OSError as exc:
        raise UsageError(f"cannot write {shown}: {exc.strerror or exc}") from None
    try:
        yield staging
        os.chmod(staging, 0o777 & ~_umask())
        if hasattr(os, "sync"):
            os.sync()  # the files' data reaches the disk before the folder's new name does
        refuse_filled_folder(target, shown)
        Stopped.check()
        os.replace(staging, target)  # an empty folder at `target` is replaced atomically
    except OSError as exc:
        raise UsageError(f"cannot write {shown}: {exc.strerror or exc}") from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def refuse_filled_folder(target: Path, shown: str) -> None:
    """UsageError unless `target` is missing or an empty folder."""
    try:
        if target.is_symlink() or (target.exists() and not target.is_dir()):
            raise UsageError(f"{shown}: is not a folder; give a new folder for this run")
        if target.is_dir() and any(target.iterdir()):
            raise UsageError(
                f"{shown}: the folder is not empty (an earlier run?); give a new folder, or "
                "empty this one"
            )
    except OSError as exc:
        raise UsageError(f"cannot write {shown}: {exc.strerror or exc}") from None


def write_new(path: Path, data: bytes) -> None:
    """Write a new file inside a `new_folder` (which makes the whole run atomic); never replaces
    a file that is there."""
    with path.open("xb") as stream:
        stream.write(data)


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask
