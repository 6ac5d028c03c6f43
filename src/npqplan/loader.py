"""A file's path, or a programme's id -> its validated value; each problem at FILE:LINE:COL.

Bundled programmes first, then the user's own folder, then a path. A file is parsed with the
bounded YAML reader and validated against `schema`; a parse cache, when given, keeps the
validated value and gives it back (validated again) while the file is unchanged.
"""

from __future__ import annotations

import difflib
import re
import reprlib
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from npqplan.cache import ParseCache
from npqplan.errors import InvalidFileError, ProgrammeNotFoundError
from npqplan.schema import PROGRAMME_ID_PATTERN, CohortFile, Programme, TermDatesFile

if typing.TYPE_CHECKING:
    from npqplan.yamlfile import DataPath, LocatedData

MAX_REPORTED_ERRORS = 50
_ID = re.compile(PROGRAMME_ID_PATTERN)
_CLOCK_LIKE = re.compile(r"^(\d+):(\d{2})$")
# schema.Programme words an unlisted citation like this; the loader points at the citation.
_UNLISTED_CITATION = re.compile(r"^cites (.+), which is not listed under `sources`$")
_short_repr = reprlib.Repr()
_short_repr.maxstring = 40
_short_repr.maxother = 40

FileT = TypeVar("FileT", bound=BaseModel)
FILE_KINDS = {
    "Programme": "a programme",
    "TermDatesFile": "a term dates",
    "CohortFile": "a cohort dates",
}


@dataclass(frozen=True)
class ProgrammeEntry:
    """A programme and where it came from: `bundled`, `user` or `file`."""

    programme: Programme
    origin: str
    path: Path


def load_file(
    path: Path,
    kind: type[FileT],
    *,
    cache: ParseCache | None = None,
    display: str | None = None,
) -> FileT:
    """Read one YAML file as `kind` (a `schema` model); InvalidFileError with located lines."""
    shown = display or str(path)
    if cache is not None:
        stored = cache.lookup(kind, path)
        if stored is not None:
            return stored
    # PyYAML is imported only here: a parse-cache hit never needs it.
    from npqplan.yamlfile import parse_yaml, read_text

    text = read_text(path, shown)
    value = _validated(parse_yaml(text, shown), kind, shown)
    if cache is not None:
        cache.store(value, path)
    return value


def load_any(path: Path, *, display: str | None = None) -> Programme | TermDatesFile | CohortFile:
    """Read a file of whichever kind it is: term dates name `years`, cohort dates name
    `sessions`, `assessment_start` or `intakes` and no `id`, and anything else is read as a
    programme."""
    from npqplan.yamlfile import parse_yaml, read_text

    shown = display or str(path)
    located = parse_yaml(read_text(path, shown), shown)
    data = located.data if isinstance(located.data, dict) else {}
    kind: type[Programme | TermDatesFile | CohortFile] = Programme
    if "years" in data:
        kind = TermDatesFile
    elif "id" not in data and data.keys() & {"sessions", "assessment_start", "intakes"}:
        kind = CohortFile
    return _validated(located, kind, shown)


def load_programme(
    path: Path, *, cache: ParseCache | None = None, display: str | None = None
) -> Programme:
    return load_file(path, Programme, cache=cache, display=display)


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


@dataclass(frozen=True)
class Library:
    """Every programme that loads, and one line for each of the user's files that does not."""

    entries: tuple[ProgrammeEntry, ...]
    skipped: tuple[str, ...]


def library(user_dir: Path | None, cache: ParseCache | None = None) -> Library:
    """Every bundled programme, then every programme in the user's folder (by file name).

    A broken file of the user's is skipped and named, so the rest still list; a broken bundled
    one is a bug and raises.
    """
    entries = [
        ProgrammeEntry(load_programme(path, cache=cache), "bundled", path)
        for path in _yaml_files(bundled_programmes_dir())
    ]
    skipped: list[str] = []
    for path in _yaml_files(user_dir):
        try:
            entries.append(ProgrammeEntry(load_programme(path, cache=cache), "user", path))
        except InvalidFileError as error:
            extra = len(error.lines()) - 1
            more = f" (and {extra} more problem{'s' if extra > 1 else ''})" if extra else ""
            skipped.append(f"{error.lines()[0]}{more}")
    return Library(tuple(entries), tuple(skipped))


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


# -- located problems ------------------------------------------------------------------------


def _validated(located: LocatedData, model: type[FileT], display: str) -> FileT:
    if not isinstance(located.data, dict):
        kind = "a list" if isinstance(located.data, list) else "a single value"
        raise InvalidFileError(
            [f"{display}:1:1: the file must be a mapping of keys to values (got {kind})"]
        )
    if not located.data.keys() & model.model_fields.keys():
        # Not a file of this kind at all (a password file, someone's notes): say so in one
        # line rather than list, and so echo, every key it has.
        raise InvalidFileError(
            [
                f"{display}:1:1: not {FILE_KINDS.get(model.__name__, 'an npqplan')} file: "
                f"it has none of the keys such a file has ({', '.join(model.model_fields)})"
            ]
        )
    try:
        return model.model_validate(located.data)
    except ValidationError as exc:
        raise InvalidFileError(_located_problems(exc, located, model, display)) from None


def _located_problems(
    exc: ValidationError, located: LocatedData, model: type[BaseModel], display: str
) -> list[str]:
    lines: list[str] = []
    errors = _without_counted_failures(
        _without_misspelt_missing(exc.errors(include_url=False), model)
    )
    for error in errors[:MAX_REPORTED_ERRORS]:
        loc = _data_path(error["loc"])
        kind = error["type"]
        if kind == "value_error":
            loc = _citation_path(error, loc, located)
        position = located.position_of(loc, key=kind == "extra_forbidden")
        where = _format_path(loc) if loc else "(top level)"
        reason = _reason(error, loc, model)
        lines.append(f"{display}:{position.line}:{position.column}: {where}: {reason}")
    if len(errors) > MAX_REPORTED_ERRORS:
        lines.append(f"{display}: ... and {len(errors) - MAX_REPORTED_ERRORS} more problems")
    return lines


def _without_misspelt_missing(errors: list[Any], model: type[BaseModel]) -> list[Any]:
    """Drop "required key is missing" when a misspelling of that key sits beside it.

    `hrs: 2` makes pydantic report both `hours` missing and `hrs` unknown; the second line,
    with its did-you-mean, is the whole story, and the first would point somewhere else.
    """
    guessed: set[DataPath] = set()
    for error in errors:
        if error["type"] == "extra_forbidden":
            loc = _data_path(error["loc"])
            guess = _guess_key(str(loc[-1]), _field_names(model, loc[:-1]))
            if guess is not None:
                guessed.add((*loc[:-1], guess))
    return [
        error
        for error in errors
        if not (error["type"] == "missing" and _data_path(error["loc"]) in guessed)
    ]


def _without_counted_failures(errors: list[Any]) -> list[Any]:
    """Drop "must have at least N items" for a list whose items failed on their own.

    pydantic counts only the items of a tuple that validated, so one bad item in a list of one
    would also be reported as an empty list.
    """
    failed_inside = {
        _data_path(error["loc"])[:-1] for error in errors if error["type"] != "too_short"
    }
    return [
        error
        for error in errors
        if not (
            error["type"] == "too_short" and _has_inside(_data_path(error["loc"]), failed_inside)
        )
    ]


def _has_inside(path: DataPath, failed_inside: set[DataPath]) -> bool:
    return any(inner[: len(path)] == path for inner in failed_inside)


def _guess_key(key: str, allowed: list[str]) -> str | None:
    guess = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    return guess[0] if guess else None


def _citation_path(error: Any, loc: DataPath, located: LocatedData) -> DataPath:
    """For a citation of an unlisted document, the path of the first such `doc` in the file.

    The check runs on the whole programme, so pydantic locates it at the top level (1:1).
    """
    found = _UNLISTED_CITATION.match(str(error["msg"]).removeprefix("Value error, "))
    if found is None:
        return loc
    for path in located.values:  # in file order
        if path[-2:] == ("source", "doc") and repr(_value_at(located.data, path)) == found[1]:
            return path
    return loc


def _value_at(data: Any, path: DataPath) -> Any:
    for part in path:
        data = data[part]
    return data


def _data_path(loc: tuple[Any, ...]) -> DataPath:
    # pydantic inserts validator names (e.g. 'function-after[...]') that are not in the data.
    return tuple(part for part in loc if isinstance(part, int) or "[" not in str(part))


def _format_path(path: DataPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _reason(error: Any, loc: DataPath, model: type[BaseModel]) -> str:
    kind: str = error["type"]
    value = error.get("input")
    shown = _short_repr.repr(value)
    context = error.get("ctx") or {}
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _field_names(model, loc[:-1])
        guess = _guess_key(key, allowed)
        hint = f"; did you mean {guess!r}?" if guess else f"; allowed: {', '.join(allowed)}"
        return f"unknown key {key!r}{hint}"
    if kind == "enum":
        choices = _enum_values(model, loc)
        close = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.5)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return f"unknown value {shown}; {hint}(one of: {', '.join(choices)})"
    if kind in {"float_type", "float_parsing", "int_type", "int_parsing", "int_from_float"}:
        noun = "a whole number" if kind.startswith("int") else "a number"
        clock = _CLOCK_LIKE.match(value) if isinstance(value, str) else None
        if clock is not None:
            return f"must be {noun} (got {shown}; {_clock_hint(clock)})"
        return f"must be {noun} (got {shown})"
    if kind == "greater_than":
        return f"must be greater than {_number(context.get('gt'))} (got {shown})"
    if kind == "greater_than_equal":
        return f"must be at least {_number(context.get('ge'))} (got {shown})"
    if kind == "less_than_equal":
        return f"must be at most {_number(context.get('le'))} (got {shown})"
    if kind in {"finite_number"}:
        return f"must be a finite number (got {shown})"
    if kind in {"string_type"}:
        return f"must be text (got {shown})"
    if kind in {"list_type"}:
        return f"must be a list (got {shown})"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return f"must be a mapping of keys to values (got {shown})"
    if kind == "too_short":
        return f"must have at least {context.get('min_length')} item(s)"
    if kind == "too_long":
        return f"must have at most {context.get('max_length')} item(s)"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is too long (at most {context.get('max_length')} characters)"
    if kind == "string_pattern_mismatch":
        return f"must use only lower-case letters, digits and '-' (got {shown})"
    if kind in {"bool_type", "bool_parsing"}:
        return f"must be true or false (got {shown})"
    if kind == "value_error":
        message = str(error["msg"]).removeprefix("Value error, ")
        return message
    return f"{error['msg']} (got {shown})"


def _clock_hint(clock: re.Match[str]) -> str:
    """How to write a clock-like duration as hours: `2:45` -> 2.75; otherwise the example."""
    whole, minutes = int(clock[1]), int(clock[2])
    if minutes < 60 and minutes % 15 == 0:
        return f"write {whole + minutes / 60:g} for {whole}h{minutes:02d}"
    return "write hours as a number, like 1.5 for 1h30"


def _number(limit: Any) -> str:
    # pydantic reports a float field's bound as 0.0; people write and read 0.
    return f"{limit:g}" if isinstance(limit, float) else str(limit)


def _model_at(model: type[BaseModel], path: DataPath) -> Any:
    """The annotation found by following `path` through nested models and lists."""
    current: Any = model
    for part in path:
        current = _unwrap(current)
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = info.annotation
    return _unwrap(current)


def _unwrap(annotation: Any) -> Any:
    """Strip Optional, list[...] and Annotated down to the type a value must have."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = options[0]
        elif origin in (list, tuple):
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation


def _field_names(model: type[BaseModel], path: DataPath) -> list[str]:
    target = _model_at(model, path)
    if isinstance(target, type) and issubclass(target, BaseModel):
        return list(target.model_fields)
    return []


def _enum_values(model: type[BaseModel], path: DataPath) -> list[str]:
    target = _model_at(model, path)
    if isinstance(target, type) and issubclass(target, Enum):
        return [str(member.value) for member in target]
    return []
