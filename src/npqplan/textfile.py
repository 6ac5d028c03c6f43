"""A small UTF-8 text file read with bounds, and the FILE:LINE:COL way of pointing into it.

Kept apart from the YAML parser so that reading a file whose parse is cached stays cheap.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from npqplan.errors import InvalidFileError

MAX_BYTES = 256 * 1024

_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


@dataclass(frozen=True)
class Position:
    line: int
    column: int


def read_text(path: Path, display: str | None = None) -> str:
    """Read at most MAX_BYTES of a UTF-8 text file, or raise a located reason."""
    # Every problem line names the file as the caller shows it, file-level ones included.
    display = display or str(path)
    try:
        if path.is_dir():
            raise InvalidFileError([f"{display}: is a folder, not a YAML file"])
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InvalidFileError([f"{display}: no such file"]) from None
    except PermissionError:
        raise InvalidFileError([f"{display}: permission denied"]) from None
    except OSError as exc:
        raise InvalidFileError([f"{display}: cannot be read ({exc.strerror})"]) from None
    if len(raw) > MAX_BYTES:
        raise InvalidFileError([f"{display}: file is larger than {MAX_BYTES // 1024} KiB"])
    if b"\x00" in raw:
        raise InvalidFileError([f"{display}: is a binary file, not YAML text"])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # Everything before the bad byte decoded, so the editor's line and column can be given.
        bom = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
        before = raw[bom : exc.start].decode("utf-8")
        reason = f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        raise InvalidFileError(
            [line_at(display, position_in(before, len(before)), reason)]
        ) from None
    if not text.strip():
        raise InvalidFileError([f"{display}:1:1: file is empty"])
    return text


def position_in(text: str, index: int) -> Position:
    """Line and column of text[index], counting line breaks as the YAML reader does."""
    lines = _LINE_BREAK.split(text[:index])
    return Position(len(lines), len(lines[-1]) + 1)


def line_at(display: str, position: Position, reason: str) -> str:
    return f"{display}:{position.line}:{position.column}: {reason}"
