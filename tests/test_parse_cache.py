"""The parse cache: a file validated once is read back as the same value, and only then."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from npqplan.cache import ParseCache
from npqplan.errors import InvalidFileError
from npqplan.loader import bundled_programmes_dir, load_file, load_programme
from npqplan.request import bundled_calendar_path
from npqplan.schema import Programme, TermDatesFile

BUNDLED = sorted(bundled_programmes_dir().glob("*.yaml"))


def entries(cache: ParseCache) -> list[Path]:
    return sorted((cache.folder / "parsed").glob("*.txt"))


@pytest.fixture
def npqel_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "npqel.yaml"
    shutil.copy(bundled_programmes_dir() / "npqel.yaml", copy)
    return copy


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
    load_file(path, TermDatesFile, cache=cache)
    assert load_file(path, TermDatesFile, cache=cache) == load_file(path, TermDatesFile)


def test_the_cache_is_what_a_second_load_reads(npqel_copy: Path, tmp_path: Path) -> None:
    cache = ParseCache(tmp_path / "cache")
    load_programme(npqel_copy, cache=cache)
    (entry,) = entries(cache)
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text.replace("NPQ Executive Leadership (UCL)", "Read from the cache"), "utf-8")
    assert load_programme(npqel_copy, cache=cache).title == "Read from the cache"


def test_an_edited_entry_is_validated_again_never_trusted(npqel_copy: Path, tmp_path: Path) -> None:
    """An entry edited to a value the schema refuses is a miss: the file is read afresh."""
    cache = ParseCache(tmp_path / "cache")
    expected = load_programme(npqel_copy, cache=cache)
    (entry,) = entries(cache)
    text = entry.read_text(encoding="utf-8")
    assert '"hours":4.0' in text
    entry.write_text(text.replace('"hours":4.0', '"hours":-50.0', 1), "utf-8")
    assert load_programme(npqel_copy, cache=cache) == expected


def test_an_edited_file_is_validated_again(npqel_copy: Path, tmp_path: Path) -> None:
    cache = ParseCache(tmp_path / "cache")
    load_programme(npqel_copy, cache=cache)
    text = npqel_copy.read_text(encoding="utf-8")
    npqel_copy.write_text(text.replace("duration_months: 18", "duration_months: 17"), "utf-8")
    assert load_programme(npqel_copy, cache=cache).duration_months == 17
    assert len(entries(cache)) == 1, "one entry per file, replaced, not one per version"


def test_a_file_edited_to_the_same_size_and_time_is_still_the_cached_one(
    npqel_copy: Path, tmp_path: Path
) -> None:
    """The key is the file's size and modification time, as todoman and khal key theirs."""
    cache = ParseCache(tmp_path / "cache")
    load_programme(npqel_copy, cache=cache)
    before = npqel_copy.stat()
    text = npqel_copy.read_text(encoding="utf-8")
    npqel_copy.write_text(text.replace("duration_months: 18", "duration_months: 17"), "utf-8")
    os.utime(npqel_copy, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert load_programme(npqel_copy, cache=cache).duration_months == 18
    os.utime(npqel_copy, ns=(before.st_atime_ns, before.st_mtime_ns + 1))
    assert load_programme(npqel_copy, cache=cache).duration_months == 17


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


OTHER_KIND = TermDatesFile.model_validate(
    {
        "id": "x",
        "name": "X",
        "years": [
            {
                "year": "2024/25",
                "source": "s",
                "terms": [{"name": "Autumn", "start": "2024-09-02", "end": "2024-12-20"}],
            }
        ],
    }
).model_dump_json()


@pytest.mark.parametrize(
    "damaged",
    [
        lambda body: "not json at all",
        lambda body: "[]",
        lambda body: "{}",
        lambda body: body + '"trailing"',
        lambda body: OTHER_KIND,
    ],
    ids=["text", "list", "empty", "trailing", "another-kind-of-file"],
)
def test_a_damaged_entry_means_a_fresh_parse(
    damaged: Callable[[str], str], npqel_copy: Path, tmp_path: Path
) -> None:
    cache = ParseCache(tmp_path / "cache")
    expected = load_programme(npqel_copy, cache=cache)
    (entry,) = entries(cache)
    key, _, body = entry.read_text(encoding="utf-8").partition("\n")
    entry.write_text(f"{key}\n{damaged(body)}", encoding="utf-8")
    assert load_programme(npqel_copy, cache=cache) == expected


def test_an_entry_from_another_schema_version_is_not_used(
    npqel_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = ParseCache(tmp_path / "cache")
    load_programme(npqel_copy, cache=cache)
    (entry,) = entries(cache)
    key, _, body = entry.read_text(encoding="utf-8").partition("\n")
    entry.write_text(f"{key}\n{body.replace('UCL', 'Stale')}", "utf-8")
    assert "Stale" in load_programme(npqel_copy, cache=cache).provider
    monkeypatch.setattr("npqplan.cache.SCHEMA_VERSION", 999)
    assert "Stale" not in load_programme(npqel_copy, cache=cache).provider


def test_an_unwritable_cache_folder_only_costs_speed(npqel_copy: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder would go", encoding="utf-8")
    cache = ParseCache(blocker)
    assert load_programme(npqel_copy, cache=cache) == load_programme(npqel_copy)


def test_a_cached_value_is_the_schema_model_itself(npqel_copy: Path, tmp_path: Path) -> None:
    cache = ParseCache(tmp_path / "cache")
    load_programme(npqel_copy, cache=cache)
    assert type(load_programme(npqel_copy, cache=cache)) is Programme
