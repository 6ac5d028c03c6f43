"""What npqplan can always rebuild, kept between runs: validated files and bank holidays.

Parsing a YAML file with the bounded pure-Python reader costs tens of milliseconds, and asking
the `holidays` package for five years of bank holidays costs hundreds; reading either back
costs well under one. Every entry is keyed on what it was made from, so a changed file, a new
npqplan or a new `holidays` release means a fresh answer, and a damaged or unreadable entry
only costs that time again. Deleting the folder is always safe.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import zlib
from dataclasses import dataclass
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from npqplan import __version__
from npqplan.atomic import write_atomic
from npqplan.schema import SCHEMA_VERSION

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class ParseCache:
    """One entry per kind of file and path under `folder`/parsed: a key line, then the model as
    pydantic dumped it. An entry is used only while the file keeps the size and modification
    time it had, and is validated again as it is read back, so an edited entry is refused."""

    folder: Path

    def lookup(self, kind: type[ModelT], path: Path) -> ModelT | None:
        key = _file_key(kind, path)
        if key is None:
            return None
        try:
            stored = self._entry(kind, path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        header, _, body = stored.partition("\n")
        if header != key:
            return None
        try:
            return kind.model_validate_json(body)
        except ValidationError:
            return None

    def store(self, value: BaseModel, path: Path) -> None:
        key = _file_key(type(value), path)
        if key is None:
            return
        entry = self._entry(type(value), path)
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(entry, f"{key}\n{value.model_dump_json()}".encode())
        except (OSError, UnicodeEncodeError):
            pass  # a read-only cache folder only costs speed

    def _entry(self, kind: type[BaseModel], path: Path) -> Path:
        # Two paths sharing a name only replace each other's entry: the key holds the full path.
        name = zlib.crc32(_where(path).encode("utf-8", "surrogateescape"))
        return self.folder / "parsed" / f"{kind.__name__}-{name:08x}.txt"


def _where(path: Path) -> str:
    return str(path.resolve())


def _file_key(kind: type[BaseModel], path: Path) -> str | None:
    try:
        status = path.stat()
    except OSError:
        return None
    parts = (__version__, SCHEMA_VERSION, kind.__name__, status.st_mtime_ns, status.st_size)
    return " ".join(map(str, parts)) + " " + _where(path)


def cached_bank_holidays(folder: Path, first_year: int, last_year: int) -> dict[date, str] | None:
    """The stored answer for these years from this `holidays` release, or None."""
    entry = _holidays_entry(folder, first_year, last_year)
    if entry is None:
        return None
    try:
        lines = entry.read_text(encoding="utf-8").splitlines()
        return {date.fromisoformat(line[:10]): line[11:] for line in lines}
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def store_bank_holidays(
    folder: Path, first_year: int, last_year: int, found: dict[date, str]
) -> None:
    entry = _holidays_entry(folder, first_year, last_year)
    if entry is None:
        return
    text = "".join(f"{day.isoformat()} {name}\n" for day, name in sorted(found.items()))
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(entry, text.encode("utf-8"))
    except OSError:
        pass  # a read-only cache folder only costs speed


def _holidays_entry(folder: Path, first_year: int, last_year: int) -> Path | None:
    version = _holidays_version()
    if version is None:
        return None
    return folder / f"bank-holidays-eng-{version}-{first_year}-{last_year}.txt"


def _holidays_version() -> str | None:
    """The installed `holidays` release, from its dist-info folder's name beside the package:
    a tenth of what `importlib.metadata.version` costs, which searches every path entry."""
    spec = importlib.util.find_spec("holidays")
    if spec is not None and spec.origin is not None:
        beside = Path(spec.origin).parent.parent
        with contextlib.suppress(OSError):
            found = [
                n
                for n in os.listdir(beside)
                if n.startswith("holidays-") and n.endswith(".dist-info")
            ]
            if len(found) == 1:
                return found[0].removeprefix("holidays-").removesuffix(".dist-info")
    try:
        return metadata.version("holidays")
    except metadata.PackageNotFoundError:
        return None
