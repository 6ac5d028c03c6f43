"""A file's bytes, read only when it is a regular file and at most a bound of them: what every
reader of a file a person names (YAML, ICS) does first, with one message for each way it fails."""

from __future__ import annotations

import stat
from pathlib import Path

from npqplan.errors import InvalidFileError


def read_bounded(path: Path, shown: str, limit: int, kind: str, *, irregular: str = "") -> bytes:
    """At most `limit` + 1 bytes of `path` (one more than allowed tells the caller it is too
    large); `kind` names what it should be ("a YAML file"), `irregular` what is said of a FIFO
    or a device after "is not a regular file"."""
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise InvalidFileError([f"{shown}: is a folder, not {kind}"])
        # Opening a FIFO or a device could wait for ever or read without end.
        if not stat.S_ISREG(mode):
            raise InvalidFileError([f"{shown}: is not a regular file{irregular}"])
        with path.open("rb") as handle:
            return handle.read(limit + 1)
    except FileNotFoundError:
        raise InvalidFileError([f"{shown}: no such file"]) from None
    except PermissionError:
        raise InvalidFileError([f"{shown}: permission denied"]) from None
    except OSError as exc:
        raise InvalidFileError([f"{shown}: cannot be read ({exc.strerror})"]) from None
