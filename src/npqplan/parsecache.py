"""Validated file data kept between runs, so a file checked once is not parsed again.

Parsing a programme with the bounded pure-Python YAML loader and validating it with pydantic
costs tens of milliseconds and most of a command's start-up; reading the validated data back
as JSON costs a fraction of one. An entry keeps the file's whole text and is used only when
that text, the file's path and npqplan's schema are exactly those it was made from: a new or
edited file, a new npqplan or a damaged entry all mean a fresh parse. There is one entry per
file path, so the folder cannot grow without bound while a user edits their own programme.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from npqplan import __version__

# What validated data means is defined by these; any change to them retires every entry.
_SCHEMA_SOURCES = ("domain.py", "models.py")


@dataclass(frozen=True)
class ParseCache:
    """Entries under `folder`/parsed, one JSON file per kind of file and path."""

    folder: Path

    def lookup(self, kind: str, path: Path, text: str) -> dict[str, Any] | None:
        """The data stored for exactly this text of this file, or None."""
        schema = _schema_fingerprint()
        if schema is None:
            return None
        where = str(path.resolve())
        try:
            stored = json.loads(self._entry(kind, where).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # no entry yet, or a damaged one
        if not isinstance(stored, dict) or stored.get("made_from") != [where, schema, text]:
            return None
        data = stored.get("data")
        return data if isinstance(data, dict) else None

    def store(self, kind: str, path: Path, text: str, data: dict[str, Any]) -> None:
        schema = _schema_fingerprint()
        if schema is None:
            return
        from npqplan.atomic import write_atomic

        where = str(path.resolve())
        entry = self._entry(kind, where)
        content = {"made_from": [where, schema, text], "data": data}
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(entry, json.dumps(content, ensure_ascii=False).encode("utf-8"))
        except (OSError, UnicodeEncodeError):
            pass  # a read-only cache folder only costs speed

    def _entry(self, kind: str, where: str) -> Path:
        # Two paths sharing a name only replace each other's entry: the full path is checked.
        name = zlib.crc32(where.encode("utf-8", "surrogateescape"))
        return self.folder / "parsed" / f"{kind}-{name:08x}.json"


@cache
def _schema_fingerprint() -> str | None:
    parts = [__version__]
    try:
        for source in _SCHEMA_SOURCES:
            code = Path(__file__).with_name(source).read_bytes()
            parts.append(f"{len(code)}-{zlib.crc32(code):08x}")
    except OSError:
        return None  # sources not beside the package (a frozen build): never cache
    return " ".join(parts)
