"""England's bank holidays from the maintained `holidays` package, cached per package version."""

from __future__ import annotations

import json
from datetime import date
from importlib.util import find_spec
from pathlib import Path

from npqplan.atomic import write_atomic


def england_bank_holidays(
    first_year: int, last_year: int, cache_dir: Path | None = None
) -> dict[date, str]:
    """Weekday bank holidays in England (substitute days included, their weekend twins not).

    Importing `holidays` costs about 70 ms, more than the rest of a plan; the answer only
    changes with the package version, so it is kept in `cache_dir` under that version.
    """
    cache = _cache_file(cache_dir, first_year, last_year)
    if cache is not None:
        try:
            stored = json.loads(cache.read_text(encoding="utf-8"))
            return {date.fromisoformat(day): str(name) for day, name in stored.items()}
        except (OSError, ValueError, AttributeError):
            pass  # no cache yet, or a damaged one: ask the package
    found = _from_package(first_year, last_year)
    if cache is not None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            text = json.dumps({day.isoformat(): name for day, name in found.items()})
            write_atomic(cache, text.encode("utf-8"))
        except OSError:
            pass  # a read-only cache folder only costs speed
    return found


def _from_package(first_year: int, last_year: int) -> dict[date, str]:
    import holidays

    found = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return {day: str(name) for day, name in sorted(found.items()) if day.weekday() < 5}


def _cache_file(cache_dir: Path | None, first_year: int, last_year: int) -> Path | None:
    if cache_dir is None:
        return None
    version = _installed_version()
    if version is None:
        return None
    return cache_dir / f"bank-holidays-eng-{version}-{first_year}-{last_year}.json"


def _installed_version() -> str | None:
    """The `holidays` version, read from the name of its dist-info folder when it has one.

    importlib.metadata.version() searches every distribution on sys.path, a few milliseconds
    on each run that needs only this one name; it stays the answer for unusual installs.
    """
    spec = find_spec("holidays")
    if spec is None or spec.origin is None:
        return None
    beside = list(Path(spec.origin).parent.parent.glob("holidays-*.dist-info"))
    if len(beside) == 1:
        return beside[0].name.removeprefix("holidays-").removesuffix(".dist-info")
    from importlib import metadata

    try:
        return metadata.version("holidays")
    except metadata.PackageNotFoundError:
        return None
