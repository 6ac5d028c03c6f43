"""Validated file data kept between runs, so a file checked once is not parsed again.

Parsing a programme with the bounded pure-Python YAML loader and validating it with pydantic
costs tens of milliseconds and most of a command's start-up; reading the validated data back
as JSON costs a fraction of one. An entry is used only when the file's text and npqplan's
schema are exactly those it was made from: a new or edited file, a new npqplan or a damaged
entry all mean a fresh parse. There is one entry per file path, so the folder cannot grow
without bound while a user edits their own programme.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from npqplan import __version__
from npqplan.atomic import write_atomic

# What validated data means is defined by these; any change to them retires every entry.
_SCHEMA_SOURCES = ("domain.py", "models.py")


@dataclass(frozen=True)
class ParseCache:
    folder: Path

    def lookup(self, kind: str, path: Path, text: str) -> dict[str, Any] | None:
        """The data stored for exactly this text of this file, or None."""
        key = _entry_key(kind, text)
        if key is None:
            return None
        try:
            stored = json.loads(self._entry(kind, path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # no entry yet, or a damaged one
        if not isinstance(stored, dict) or stored.get("key") != key:
            return None
        data = stored.get("data")
        return data if isinstance(data, dict) else None

    def store(self, kind: str, path: Path, text: str, data: dict[str, Any]) -> None:
        key = _entry_key(kind, text)
        if key is None:
            return
        entry = self._entry(kind, path)
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(entry, json.dumps({"key": key, "data": data}).encode("utf-8"))
        except OSError:
            pass  # a read-only cache folder only costs speed

    def _entry(self, kind: str, path: Path) -> Path:
        where = hashlib.sha256(str(path.resolve()).encode("utf-8")).hexdigest()[:24]
        return self.folder / "parsed" / f"{kind}-{where}.json"


def _entry_key(kind: str, text: str) -> str | None:
    schema = _schema_fingerprint()
    if schema is None:
        return None
    digest = hashlib.sha256(f"{schema}\0{kind}\0".encode())
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@cache
def _schema_fingerprint() -> str | None:
    digest = hashlib.sha256(__version__.encode("utf-8"))
    try:
        for name in _SCHEMA_SOURCES:
            digest.update(Path(__file__).with_name(name).read_bytes())
    except OSError:
        return None  # sources not beside the package (a frozen build): never cache
    return digest.hexdigest()
