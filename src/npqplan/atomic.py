"""Write a file so that readers see the old content or the new, never half of either."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path

from npqplan.errors import UsageError


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
