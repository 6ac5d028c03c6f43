"""Programme id or path -> Programme; any YAML file npqplan reads -> its plain value.

A file is read with bounds every time, but parsed and validated only when the parse cache
has not seen that exact text: the validation module, and pydantic with it, load only then.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from npqplan.domain import PROGRAMME_ID_PATTERN, Programme, build
from npqplan.errors import ProgrammeNotFoundError
from npqplan.parsecache import ParseCache
from npqplan.textfile import read_text

_ID = re.compile(PROGRAMME_ID_PATTERN)

ValueT = TypeVar("ValueT")


@dataclass(frozen=True)
class ProgrammeEntry:
    """A programme and where it came from: `bundled`, `user` or `file`."""

    programme: Programme
    origin: str
    path: Path


def load_model(
    path: Path,
    kind: type[ValueT],
    *,
    cache: ParseCache | None = None,
    display: str | None = None,
) -> ValueT:
    """Read one YAML file as `kind` (a `domain` class); InvalidFileError with located lines."""
    shown = display or str(path)
    text = read_text(path, shown)
    name = kind.__name__
    if cache is not None:
        stored = cache.lookup(name, path, text)
        if stored is not None:
            try:
                return build(kind, stored)
            except (KeyError, TypeError, ValueError):
                pass  # an entry from a damaged cache: validate afresh
    from npqplan.validation import validated_data

    data = validated_data(text, kind, shown)
    value = build(kind, data)
    if cache is not None:
        cache.store(name, path, text, data)
    return value


def load_programme(
    path: Path, *, cache: ParseCache | None = None, display: str | None = None
) -> Programme:
    return load_model(path, Programme, cache=cache, display=display)


def bundled_programmes_dir() -> Path:
    """The programmes shipped in the wheel, or the repository's folder in a source checkout."""
    packaged = Path(__file__).with_name("programmes")  # the wheel puts them in the package
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "programmes"


def _yaml_files(folder: Path | None) -> Iterator[Path]:
    if folder is None or not folder.is_dir():
        return
    yield from sorted(p for p in folder.glob("*.yaml") if _ID.match(p.stem) and p.is_file())


def library(user_dir: Path | None, cache: ParseCache | None = None) -> list[ProgrammeEntry]:
    """Every bundled programme, then every programme in the user's folder (by file name)."""
    entries: list[ProgrammeEntry] = []
    for origin, folder in (("bundled", bundled_programmes_dir()), ("user", user_dir)):
        for path in _yaml_files(folder):
            entries.append(ProgrammeEntry(load_programme(path, cache=cache), origin, path))
    return entries


def known_ids(user_dir: Path | None) -> list[str]:
    return [p.stem for folder in (bundled_programmes_dir(), user_dir) for p in _yaml_files(folder)]


def find_programme(
    reference: str, user_dir: Path | None, cache: ParseCache | None = None
) -> ProgrammeEntry:
    """A bundled id, then a user id, then an existing YAML file; nothing else is opened."""
    if _ID.match(reference):
        for origin, folder in (("bundled", bundled_programmes_dir()), ("user", user_dir)):
            if folder is None:
                continue
            candidate = folder / f"{reference}.yaml"
            if candidate.is_file():
                return ProgrammeEntry(load_programme(candidate, cache=cache), origin, candidate)
    path = Path(reference)
    if path.suffix in {".yaml", ".yml"} or path.exists():
        if not path.exists():
            raise ProgrammeNotFoundError(f"{reference}: no such file")
        return ProgrammeEntry(load_programme(path, cache=cache), "file", path)
    ids = known_ids(user_dir)
    guess = difflib.get_close_matches(reference.lower(), ids, n=1, cutoff=0.5)
    hint = f"did you mean {guess[0]!r}? " if guess else ""
    if not _ID.match(reference):
        raise ProgrammeNotFoundError(
            f"{reference!r} is neither a programme id (lower-case letters, digits and '-') "
            f"nor an existing file; {hint}run 'npqplan list' to see the programmes"
        )
    raise ProgrammeNotFoundError(
        f"no programme called {reference!r}; {hint}run 'npqplan list' to see the programmes"
    )
