"""The parse cache: a file validated once is read back as the same value, and only then."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from npqplan import domain
from npqplan.domain import TermDatesFile
from npqplan.errors import InvalidFileError
from npqplan.loader import bundled_programmes_dir, load_model, load_programme
from npqplan.parsecache import ParseCache
from npqplan.planning import bundled_calendar_path
from npqplan.validation import SCHEMAS
from tests.conftest import RunCli

BUNDLED = sorted(bundled_programmes_dir().glob("*.yaml"))


def entries(cache: ParseCache) -> list[Path]:
    return sorted((cache.folder / "parsed").glob("*.json"))


@pytest.fixture
def npqel_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "npqel.yaml"
    shutil.copy(bundled_programmes_dir() / "npqel.yaml", copy)
    return copy


def types_in(annotation: object) -> list[object]:
    """The annotation and every type inside it: list[Component] | None gives Component too."""
    return [annotation, *(t for arg in getattr(annotation, "__args__", ()) for t in types_in(arg))]


def schema_pairs() -> dict[type, type]:
    """Every domain class the loader builds, nested ones included, with its schema model."""
    pairs: dict[type, type] = {}
    waiting = list(SCHEMAS.items())
    while waiting:
        value, schema = waiting.pop()
        pairs[value] = schema
        for field in schema.model_fields.values():
            for inner in types_in(field.annotation):
                twin = getattr(domain, getattr(inner, "__name__", ""), None)
                if dataclasses.is_dataclass(twin) and twin not in pairs:
                    waiting.append((twin, inner))
    return pairs


def test_every_schema_model_has_the_fields_of_its_domain_class() -> None:
    """A field added to one side only would make every load of that kind fail; say so here."""
    pairs = schema_pairs()
    assert {value.__name__ for value in pairs} >= {"Component", "Term", "Break", "Citation"}
    for value, schema in pairs.items():
        assert {f.name for f in dataclasses.fields(value)} == set(schema.model_fields), value


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_a_cached_programme_equals_a_freshly_validated_one(path: Path, tmp_path: Path) -> None:
    cache = ParseCache(tmp_path)
    fresh = load_programme(path)
    first = load_programme(path, cache=cache)
    again = load_programme(path, cache=cache)
    assert first == fresh
    assert again == fresh
    assert len(entries(cache)) == 1


@pytest.mark.parametrize("council", ["kent", "birmingham"])
def test_cached_term_dates_equal_fresh_ones(council: str, tmp_path: Path) -> None:
    path = bundled_calendar_path(council)
    cache = ParseCache(tmp_path)
    load_model(path, TermDatesFile, cache=cache)
    assert load_model(path, TermDatesFile, cache=cache) == load_model(path, TermDatesFile)


def test_the_cache_is_what_a_second_load_reads(npqel_copy: Path, tmp_path: Path) -> None:
    cache = ParseCache(tmp_path / "cache")
    load_programme(npqel_copy, cache=cache)
    (entry,) = entries(cache)
    stored = json.loads(entry.read_text(encoding="utf-8"))
    stored["data"]["title"] = "Read from the cache"
    entry.write_text(json.dumps(stored), encoding="utf-8")
    assert load_programme(npqel_copy, cache=cache).title == "Read from the cache"


def test_an_edited_file_is_validated_again(npqel_copy: Path, tmp_path: Path) -> None:
    cache = ParseCache(tmp_path / "cache")
    load_programme(npqel_copy, cache=cache)
    text = npqel_copy.read_text(encoding="utf-8")
    npqel_copy.write_text(text.replace("duration_months: 18", "duration_months: 17"), "utf-8")
    assert load_programme(npqel_copy, cache=cache).duration_months == 17
    assert len(entries(cache)) == 1, "one entry per file, replaced, not one per version"


def test_an_edit_that_breaks_the_file_is_reported_not_hidden_by_the_cache(
    npqel_copy: Path, tmp_path: Path
) -> None:
    cache = ParseCache(tmp_path / "cache")
    load_programme(npqel_copy, cache=cache)
    text = npqel_copy.read_text(encoding="utf-8")
    npqel_copy.write_text(text.replace("duration_months: 18", "duration_months: 99"), "utf-8")
    for _ in range(2):
        with pytest.raises(InvalidFileError) as raised:
            load_programme(npqel_copy, cache=cache)
        assert "duration_months: must be at most 36 (got 99)" in raised.value.lines()[0]


@pytest.mark.parametrize(
    "damage",
    [
        "not json at all",
        "[]",
        '{"made_from": ["elsewhere", "0", ""], "data": {}}',
        "EMPTY_DATA",
        "WRONG_SHAPE",
        "BAD_DATE",
    ],
)
def test_a_damaged_entry_means_a_fresh_parse(damage: str, npqel_copy: Path, tmp_path: Path) -> None:
    cache = ParseCache(tmp_path / "cache")
    expected = load_programme(npqel_copy, cache=cache)
    (entry,) = entries(cache)
    stored = json.loads(entry.read_text(encoding="utf-8"))
    if damage == "EMPTY_DATA":
        damage = json.dumps({"made_from": stored["made_from"], "data": {}})
    elif damage == "WRONG_SHAPE":
        stored["data"]["terms"] = "not a list"
        damage = json.dumps(stored)
    elif damage == "BAD_DATE":
        stored["data"]["terms"][0]["components"][0]["dates"] = ["2024-02-30"]
        damage = json.dumps(stored)
    entry.write_text(damage, encoding="utf-8")
    assert load_programme(npqel_copy, cache=cache) == expected


def test_an_unwritable_cache_folder_only_costs_speed(npqel_copy: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder would go", encoding="utf-8")
    cache = ParseCache(blocker)
    assert load_programme(npqel_copy, cache=cache) == load_programme(npqel_copy)


def test_a_warm_run_does_not_parse_or_validate(run_cli: RunCli) -> None:
    """Once the files are cached, neither pydantic's schema nor the YAML parser is loaded."""
    for args in (["list"], ["schedule", "npqel", "--start", "2024-09", "--no-save"]):
        cold = run_cli(*args, env={"PYTHONPROFILEIMPORTTIME": "1"})
        warm = run_cli(*args, env={"PYTHONPROFILEIMPORTTIME": "1"})
        assert cold.returncode == warm.returncode == 0, warm.stderr
        assert warm.stdout == cold.stdout
        imported = {line.rsplit("|", 1)[-1].strip() for line in warm.stderr.splitlines()}
        assert "npqplan.loader" in imported
        for module in ("npqplan.validation", "npqplan.models", "npqplan.yamlsafe"):
            assert module not in imported, f"{args[0]} imported {module} on a warm run"
        first = {line.rsplit("|", 1)[-1].strip() for line in cold.stderr.splitlines()}
        assert "npqplan.validation" in first
