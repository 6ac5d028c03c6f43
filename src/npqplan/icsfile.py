"""The text of an iCalendar (ICS) file: a regular file, bounded, unfolded before it is decoded,
and called what it really is when it is not ICS text (a folder, a binary or UTF-16 file).

RFC 5545 (3.1) folds long lines at 75 octets, and a writer may fold in the middle of a UTF-8
character: readers must unfold first and decode the result.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from npqplan.boundedfile import read_bounded
from npqplan.errors import InvalidFileError

# CRLF (or a bare LF, as many exports have) followed by one space or tab continues a line.
_FOLD = re.compile(rb"\r?\n[ \t]")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def read_calendar_text(path: Path, shown: str, limit: int) -> str:
    """At most `limit` bytes of `path`, unfolded and decoded as UTF-8; InvalidFileError naming
    the file's real kind when it is not iCalendar text."""
    raw = read_bounded(
        path, shown, limit, "an ICS calendar file", irregular=", not an ICS calendar file"
    )
    if len(raw) > limit:
        raise InvalidFileError(
            [f"{shown}: the calendar file is larger than {_size(limit)}; export only the months "
             "the plan covers"]
        )  # fmt: skip
    if raw.startswith(_UTF16_BOMS) or (len(raw) > 1 and b"\x00" in raw[:2]):
        raise InvalidFileError(
            [f"{shown}: is UTF-16 text, not UTF-8; save or export the calendar as UTF-8 ICS"]
        )
    if b"\x00" in raw:
        raise InvalidFileError([f"{shown}: is a binary file, not an ICS calendar file"])
    unfolded = _FOLD.sub(b"", raw)
    try:
        text = unfolded.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: _raw_index(raw, exc.start)].count(b"\n") + 1
        raise InvalidFileError(
            [f"{shown}:{line}: not UTF-8 text (byte 0x{unfolded[exc.start]:02x}); "
             "save or export the calendar as UTF-8 ICS"]
        ) from None  # fmt: skip
    if not text.strip():
        raise InvalidFileError([f"{shown}:1: file is empty"])
    return text


def _raw_index(raw: bytes, index: int) -> int:
    """Where byte `index` of the unfolded text stood in the file."""
    removed = 0
    for fold in _FOLD.finditer(raw):
        if fold.start() - removed > index:
            break
        removed += len(fold[0])
    return index + removed


def _size(limit: int) -> str:
    return f"{limit // 2**20} MiB" if limit >= 2**20 else f"{limit // 1024} KiB"
