"""Every way a programme file can fail, each matched by its message and its line:col.

Each fixture in tests/fixtures/invalid/ is tests/fixtures/valid/minimal.yaml with one defect.
Cases that need bytes, size or the file system are generated into tmp_path instead.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from npqplan.errors import InvalidFileError
from npqplan.loader import MAX_REPORTED_ERRORS, load_programme
from npqplan.schema import Programme
from npqplan.yamlfile import MAX_BYTES
from tests.conftest import REPO, RunCli

FIXTURES = Path(__file__).parent / "fixtures"
INVALID = FIXTURES / "invalid"
MINIMAL = FIXTURES / "valid" / "minimal.yaml"
HOURS = "        hours: 2\n"  # line 15 of minimal.yaml; the value starts at column 16
COMPONENT = "terms[0].components[0]"


def problems_of(path: Path, display: str) -> list[str]:
    with pytest.raises(InvalidFileError) as caught:
        load_programme(path, display=display)
    return caught.value.problems


def assert_one_problem(path: Path, display: str, expected: str | re.Pattern[str]) -> None:
    """Exactly one problem line, equal to `display:expected` (or matching it, for a pattern)."""
    problems = problems_of(path, display)
    assert len(problems) == 1, problems
    if isinstance(expected, str):
        assert problems[0] == f"{display}:{expected}"
    else:
        assert re.fullmatch(re.escape(f"{display}:") + expected.pattern, problems[0]), problems


def minimal_with(old: str, new: str) -> str:
    text = MINIMAL.read_text(encoding="utf-8")
    assert text.count(old) == 1
    return text.replace(old, new)


# -- one fixture per defect -------------------------------------------------------------------

FIXTURE_CASES: list[tuple[str, str | re.Pattern[str]]] = [
    ("wrong_type", f"15:16: {COMPONENT}.hours: must be a number (got 'lots')"),
    ("clock_hours", f"15:16: {COMPONENT}.hours: must be a number (got '1:30'; write 1.5 for 1h30)"),
    ("missing_key", f"12:9: {COMPONENT}.kind: required key is missing"),
    ("misspelt_key", f"15:9: {COMPONENT}.hrs: unknown key 'hrs'; did you mean 'hours'?"),
    (
        "bad_kind",
        re.compile(
            r"13:15: terms\[0\]\.components\[0\]\.kind: unknown value 'residental'; "
            r"did you mean 'residential'\? \(one of: self-study, .*\)"
        ),
    ),
    ("negative_hours", f"15:16: {COMPONENT}.hours: must be greater than 0 (got -1)"),
    (
        "not_quarter_hours",
        f"15:16: {COMPONENT}.hours: must be in quarter hours, like 1.25 or 1.5 (got 1.3)",
    ),
    ("duplicate_key", "16:9: duplicate key 'hours' (first used on line 15)"),
    ("alias", "15:16: aliases (*name) are not allowed; write the value out"),
    ("anchor", "15:16: anchors (&name) are not allowed; write the value out"),
    ("tag", "15:16: tags like !!float are not allowed; write a plain value"),
    # 40 levels of `[` after `notes: `: the 32nd bracket is the 33rd level (the file is the 1st).
    ("deep_nesting", "17:39: nested more than 32 levels deep"),
    ("empty", "1:1: file is empty"),
    ("whitespace_only", "1:1: file is empty"),
    ("comments_only", "1:1: file is empty"),
    ("top_level_list", "1:1: the file must be a mapping of keys to values (got a list)"),
    ("long_number", "15:16: number has more than 18 digits"),
    # YAML 1.2: yes/on are text, so they are not 1.0 hours; nor is true, as hours are strict.
    ("yes_hours", f"15:16: {COMPONENT}.hours: must be a number (got 'yes')"),
    ("on_hours", f"15:16: {COMPONENT}.hours: must be a number (got 'on')"),
    ("true_hours", f"15:16: {COMPONENT}.hours: must be a number (got True)"),
    ("infinite_hours", f"15:16: {COMPONENT}.hours: must be a finite number (got inf)"),
    ("date_as_number", f"16:17: {COMPONENT}.dates[0]: must be a date written YYYY-MM-DD"),
    (
        "no_provenance",
        f"12:9: {COMPONENT}: give `source` (a document and a quote) or `assumed` (the reason)",
    ),
    (
        "unlisted_citation",
        f"17:16: {COMPONENT}.source.doc: cites 'other.txt', which is not listed under `sources`",
    ),
    (
        "two_documents",
        "17:1: not valid YAML: expected a single document in the stream, "
        "but found another document",
    ),
    ("unclosed_list", "6:8: not valid YAML: expected ',' or ']', but got ':'"),
    (
        "lone_surrogate",
        "2:8: text contains a \\uD800-\\uDFFF escape (half of a UTF-16 pair); "
        "write the character itself",
    ),
    ("billion_laughs", "1:7: anchors (&name) are not allowed; write the value out"),
]


@pytest.mark.parametrize(
    ("name", "expected"), FIXTURE_CASES, ids=[name for name, _ in FIXTURE_CASES]
)
def test_fixture_fails_with_located_message(name: str, expected: str | re.Pattern[str]) -> None:
    assert_one_problem(INVALID / f"{name}.yaml", f"{name}.yaml", expected)


def test_every_invalid_fixture_has_a_case() -> None:
    on_disk = {path.stem for path in INVALID.glob("*.yaml")}
    assert on_disk == {name for name, _ in FIXTURE_CASES}


def test_the_fixtures_base_is_valid() -> None:
    # Each fixture is this file with one defect, so this file must load.
    assert load_programme(MINIMAL).terms[0].components[0].hours == 2


def test_leading_zero_is_decimal_not_octal() -> None:
    programme = load_programme(FIXTURES / "valid" / "leading_zero_hours.yaml")
    assert programme.terms[0].components[0].hours == 10


# -- generated cases: bytes, sizes and the file system --------------------------------------


def _oversize(tmp_path: Path) -> Path:
    path = tmp_path / "oversize.yaml"
    padding = "# padding\n" * (MAX_BYTES // 10 + 1)
    path.write_text(MINIMAL.read_text(encoding="utf-8") + padding, encoding="utf-8")
    assert path.stat().st_size > MAX_BYTES
    return path


def _binary(tmp_path: Path) -> Path:
    path = tmp_path / "binary.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
    return path


def _not_utf8(tmp_path: Path) -> Path:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(minimal_with("title: Tiny programme", "title: Caf\xe9").encode("latin-1"))
    return path


def _control_character(tmp_path: Path) -> Path:
    path = tmp_path / "bell.yaml"
    path.write_text(minimal_with("title: Tiny programme", "title: Bell\x07"), encoding="utf-8")
    return path


def _folder(tmp_path: Path) -> Path:
    path = tmp_path / "folder.yaml"
    path.mkdir()
    return path


def _missing(tmp_path: Path) -> Path:
    return tmp_path / "missing.yaml"


def _very_deep(tmp_path: Path) -> Path:
    # 50,000 levels: enough to crash the C loader, and well inside the size limit.
    path = tmp_path / "very_deep.yaml"
    path.write_text("notes: " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    return path


def _too_many_values(tmp_path: Path) -> Path:
    path = tmp_path / "wide.yaml"
    path.write_text("notes: [" + "1," * 20_001 + "1]\n", encoding="utf-8")
    return path


GENERATED_CASES: list[tuple[Callable[[Path], Path], str | re.Pattern[str]]] = [
    (_oversize, " file is larger than 256 KiB"),
    (_binary, " is a binary file, not YAML text"),
    (_not_utf8, "2:11: not UTF-8 text (byte 0xe9); save the file as UTF-8"),
    (
        _control_character,
        "2:12: contains the control character U+0007, which YAML does not allow; delete it",
    ),
    (_folder, " is a folder, not a YAML file"),
    (_missing, " no such file"),
    (_very_deep, "1:39: nested more than 32 levels deep"),
    (_too_many_values, re.compile(r"1:\d+: too many values \(more than 20,000\)")),
]


@pytest.mark.parametrize(
    ("make", "expected"), GENERATED_CASES, ids=[make.__name__[1:] for make, _ in GENERATED_CASES]
)
def test_generated_file_fails_with_located_message(
    tmp_path: Path, make: Callable[[Path], Path], expected: str | re.Pattern[str]
) -> None:
    path = make(tmp_path)
    assert_one_problem(path, path.name, expected)


def test_file_level_problems_name_the_path_when_no_display_is_given(tmp_path: Path) -> None:
    path = tmp_path / "missing.yaml"
    with pytest.raises(InvalidFileError) as caught:
        load_programme(path)
    assert caught.value.problems == [f"{path}: no such file"]


def test_dev_zero_is_refused_without_hanging() -> None:
    # A child process, so a regression that reads forever fails on the timeout, not hangs CI.
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero on this platform")
    script = (
        "from pathlib import Path\n"
        "from npqplan.errors import InvalidFileError\n"
        "from npqplan.loader import load_programme\n"
        "try:\n"
        "    load_programme(Path('/dev/zero'))\n"
        "except InvalidFileError as error:\n"
        "    print(*error.problems, sep='\\n')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=30, check=True
    )
    assert done.stdout == "/dev/zero: is not a regular file\n"


def test_billion_laughs_is_refused_quickly() -> None:
    started = time.perf_counter()
    problems = problems_of(INVALID / "billion_laughs.yaml", "laughs.yaml")
    assert time.perf_counter() - started < 1.0
    assert problems == ["laughs.yaml:1:7: anchors (&name) are not allowed; write the value out"]


def test_aliases_alone_are_refused_quickly(tmp_path: Path) -> None:
    # Without the anchors, each alias is still refused rather than expanded.
    path = tmp_path / "aliases.yaml"
    path.write_text("notes: [" + ",".join(["*lol"] * 5_000) + "]\n", encoding="utf-8")
    started = time.perf_counter()
    problems = problems_of(path, "aliases.yaml")
    assert time.perf_counter() - started < 1.0
    assert problems == ["aliases.yaml:1:9: aliases (*name) are not allowed; write the value out"]


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("2:45", "write 2.75 for 2h45"),
        ("0:15", "write 0.25 for 0h15"),
        ("1:20", "write hours as a number, like 1.5 for 1h30"),
    ],
)
def test_clock_like_hours_suggest_the_number(tmp_path: Path, written: str, hint: str) -> None:
    path = tmp_path / "clock.yaml"
    path.write_text(minimal_with(HOURS, f"        hours: {written}\n"), encoding="utf-8")
    assert_one_problem(
        path,
        "clock.yaml",
        f"15:16: {COMPONENT}.hours: must be a number (got '{written}'; {hint})",
    )


def test_more_than_fifty_problems_are_cut_short(tmp_path: Path) -> None:
    component = (
        "      - name: Part {index}\n"
        "        kind: self-study\n"
        "        delivery: self-directed\n"
        "        hours: lots\n"
        "        assumed: a test figure\n"
    )
    head = MINIMAL.read_text(encoding="utf-8").split("      - name: Reading")[0]
    path = tmp_path / "many.yaml"
    path.write_text(head + "".join(component.format(index=i) for i in range(60)), encoding="utf-8")

    problems = problems_of(path, "many.yaml")

    assert len(problems) == MAX_REPORTED_ERRORS + 1
    for index, line in enumerate(problems[:MAX_REPORTED_ERRORS]):
        # Component `index` starts on line 12 + 5 * index; its hours are 3 lines below.
        assert line == (
            f"many.yaml:{15 + 5 * index}:16: terms[0].components[{index}].hours: "
            "must be a number (got 'lots')"
        )
    assert problems[-1] == "many.yaml: ... and 10 more problems"


def test_the_bundled_example_still_loads() -> None:
    example = Path(__file__).parents[1] / "programmes" / "npqel.yaml"
    assert isinstance(load_programme(example), Programme)


def test_a_file_that_is_not_a_programme_is_one_line_and_echoes_nothing(tmp_path: Path) -> None:
    secret = tmp_path / "shadow"
    secret.write_text(
        "".join(f"user{n}:$y$j9T$secret{n}:19000:0:99999:7:::\n" for n in range(29)), "utf-8"
    )
    with pytest.raises(InvalidFileError) as caught:
        load_programme(secret)
    (line,) = caught.value.lines()
    assert line.startswith(f"{secret}:1:1: not a programme file: it has none of the keys")
    assert "secret" not in line.removeprefix(str(secret))


def test_one_broken_user_programme_is_skipped_and_the_rest_still_list(
    run_cli: RunCli, tmp_path: Path
) -> None:
    folder = tmp_path / "user-programmes"
    folder.mkdir()
    (folder / "broken.yaml").write_text("id: broken\ntitle: Half written\n", encoding="utf-8")
    result = run_cli("list")
    assert result.returncode == 0, result.stderr
    assert "npqel" in result.stdout
    assert result.stderr == (
        f"warning: skipped {folder / 'broken.yaml'}:1:1: qualification: required key is "
        "missing (and 3 more problems)\n"
    )


def test_validate_recognises_term_dates_and_cohort_files(run_cli: RunCli, tmp_path: Path) -> None:
    cohort = tmp_path / "cohort.yaml"
    cohort.write_text(
        "programme: npqel\nsessions:\n"
        "  - {term: Term one, component: Residential event, dates: [2024-11-14]}\n",
        encoding="utf-8",
    )
    kent = REPO / "src" / "npqplan" / "calendars" / "kent.yaml"
    result = run_cli("validate", str(kent), str(cohort))
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"{kent}: ok (term dates of Kent County Council: 2023/24, 2024/25, 2025/26, 2026/27)\n"
        f"{cohort}: ok (cohort dates for npqel: 1 date)\n"
    )
    hostile = REPO / "tests" / "hostile" / "files"
    broken = run_cli(
        "validate", str(hostile / "terms-overlap.yaml"), str(hostile / "cohort-bad-time.yaml")
    )
    assert broken.returncode == 2
    assert broken.stderr.splitlines() == [
        f"{hostile / 'terms-overlap.yaml'}:4:5: years[0]: Spring term must start after Autumn "
        "term ends",
        f"{hostile / 'cohort-bad-time.yaml'}:3:79: sessions[0].time: must be a 24-hour time "
        'written "HH:MM" (in quotes)',
    ]
