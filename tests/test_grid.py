"""Grid rendered by a real rich Console, read back as text (or ANSI codes for styles)."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len, get_character_cell_size
from rich.console import Console

from npqplan.grid import FLEX_MIN_WIDTH, Cell, Column, Grid, Piece

WEEK = Column("Week of")
TODO = Column("What to do", flex=True)
HOURS = Column("Hours", justify="right")
LOAD = Column("Load")
BAR: list[Piece] = [("██", "green"), ("|", "dim"), ("  ", ""), ("|", "dim"), ("  ", "")]


def rendered(grid: Grid, width: int = 80) -> str:
    output = io.StringIO()
    console = Console(file=output, width=width, color_system=None, highlight=False)
    # crop=False: read back exactly what the grid yields, even lines wider than the console
    console.print(grid, crop=False)
    return output.getvalue()


def rendered_lines(grid: Grid, width: int = 80) -> list[str]:
    return rendered(grid, width).split("\n")[:-1]


def styled(grid: Grid, width: int = 80) -> str:
    output = io.StringIO()
    console = Console(
        file=output, width=width, force_terminal=True, color_system="standard", highlight=False
    )
    console.print(grid, crop=False)
    return output.getvalue()


def cut(line: str, start: int, stop: int | None = None) -> str:
    """The part of a line between two cell offsets (each character 1 or 2 cells wide)."""
    kept = []
    offset = 0
    for character in line:
        if offset >= start and (stop is None or offset < stop):
            kept.append(character)
        offset += get_character_cell_size(character)
    return "".join(kept)


def cell_offset(line: str, text: str) -> int:
    """Where text starts in a line, counted in cells."""
    return cell_len(line[: line.index(text)])


def test_columns_are_as_wide_as_their_widest_line_and_three_spaces_apart() -> None:
    grid = Grid([WEEK, Column("What"), HOURS], [["2 Sep", "Induction day", "4"], ["9 Sep", "", ""]])
    assert rendered(grid) == (
        " Week of   What            Hours\n"
        " ───────────────────────────────\n"
        " 2 Sep     Induction day       4\n"
        " 9 Sep\n"
        "\n"
    )


def test_right_justified_cells_share_a_right_edge() -> None:
    grid = Grid([HOURS, Column("Note")], [["0.5", "a"], ["12.25", "b"], ["", "c"]])
    assert rendered_lines(grid)[2:5] == [
        "   0.5   a",
        " 12.25   b",
        "         c",
    ]


def test_a_multi_line_cell_makes_its_row_taller_with_other_cells_blank() -> None:
    grid = Grid(
        [WEEK, Column("What"), HOURS],
        [["6 Jan", "Tue study, 0.5 h\nThu journal, 0.5 h", "1"], ["13 Jan", "Reading", "2"]],
    )
    assert rendered_lines(grid)[2:] == [
        " 6 Jan     Tue study, 0.5 h         1",
        "           Thu journal, 0.5 h",
        " 13 Jan    Reading                  2",
        "",
    ]


def test_flex_column_wraps_at_spaces_within_the_console_width() -> None:
    text = "Wed 09:00 Online induction conference with your cohort and facilitator, 4 h"
    grid = Grid([WEEK, TODO, HOURS], [["2 Sep", text, "4"], ["9 Sep", "Reading", "1"]])
    lines = rendered_lines(grid, width=40)
    assert all(cell_len(line) <= 40 for line in lines)
    flex_start = cell_offset(lines[0], "What to do")
    flex_stop = cell_offset(lines[0], "Hours") - 3
    next_row = next(index for index, line in enumerate(lines) if line.startswith(" 9 Sep"))
    row_lines = lines[2:next_row]
    assert len(row_lines) > 1
    assert row_lines[0].startswith(" 2 Sep     Wed 09:00")
    assert row_lines[0].endswith("   4")
    # continuation lines start at the column's left edge, with nothing in the other columns
    assert all(
        line[:flex_start] == " " * flex_start and line[flex_start] != " " for line in row_lines[1:]
    )
    assert [word for line in row_lines for word in cut(line, flex_start, flex_stop).split()] == (
        text.split()
    )


def test_a_word_longer_than_the_flex_column_is_split_by_width() -> None:
    word = "Antidisestablishmentarianism"
    grid = Grid([Column("N"), TODO], [["1", f"Read {word} today"]])
    assert rendered_lines(grid, width=1 + 1 + 3 + FLEX_MIN_WIDTH)[2:] == [
        " 1   Read",
        "     Antidisest",
        "     ablishment",
        "     arianism",
        "     today",
        "",
    ]


def test_the_flex_column_keeps_its_natural_width_when_it_fits() -> None:
    grid = Grid([WEEK, TODO], [["2 Sep", "Reading for the week, 2 h"]])
    assert rendered_lines(grid, width=200)[2] == " 2 Sep     Reading for the week, 2 h"


def test_flex_column_never_shrinks_below_its_minimum_so_lines_outgrow_the_console() -> None:
    grid = Grid([Column("Week of and more words"), TODO], [["2 Sep", "one two three four five"]])
    lines = rendered_lines(grid, width=20)
    minimum = 1 + cell_len("Week of and more words") + 3 + FLEX_MIN_WIDTH
    assert max(cell_len(line) for line in lines) == minimum
    assert lines[2:5] == [
        " 2 Sep                    one two",
        "                          three four",
        "                          five",
    ]


def test_flex_column_is_never_narrower_than_a_piece_cell_in_it() -> None:
    pieces: list[Piece] = [("a styled line that never wraps", "green")]
    grid = Grid([Column("N"), TODO], [["1", pieces], ["2", "plain words that may wrap if needed"]])
    lines = rendered_lines(grid, width=20)
    assert lines[2] == " 1   a styled line that never wraps"
    assert lines[3:5] == [" 2   plain words that may wrap if", "     needed"]


def test_without_a_flex_column_wide_lines_are_left_long_not_cropped() -> None:
    grid = Grid([Column("What")], [["a long description that will not fit"]])
    assert rendered_lines(grid, width=20)[2] == " a long description that will not fit"


def test_wide_characters_are_measured_in_cells_so_columns_line_up() -> None:
    rows: list[list[Cell]] = [
        ["漢字の名前", "1", "x"],
        ["Ana", "22", "y"],
        ["🎉🎉", "3", "z"],
        [[("漢字", "bold"), ("漢字漢字", "")], "4", "w"],
    ]
    lines = rendered_lines(Grid([Column("Name"), HOURS, Column("Note")], rows))
    assert lines[0] == " Name           Hours   Note"
    notes = [cell_offset(line, note) for line, note in zip(lines[2:6], "xyzw", strict=True)]
    assert notes == [cell_offset(lines[0], "Note")] * 4
    assert lines[2] == " 漢字の名前         1   x"
    assert lines[5] == " 漢字漢字漢字       4   w"


def test_wide_characters_wrap_within_the_flex_column() -> None:
    grid = Grid([Column("N"), TODO], [["1", "漢字漢字漢字漢字漢字漢字 😀😀😀😀😀😀 ok"]])
    lines = rendered_lines(grid, width=16)
    assert all(cell_len(line) <= 16 for line in lines)
    assert lines[2:] == [
        " 1   漢字漢字漢",
        "     字漢字漢字",
        "     漢字",
        "     😀😀😀😀😀",
        "     😀 ok",
        "",
    ]


def test_no_line_ends_with_a_space() -> None:
    rows: list[list[Cell]] = [
        ["2 Sep", "Conference, 4 h   ", "4", BAR],
        ["6 Jan", "Study\n\nJournal ", "", ""],
        ["", "", "", [("  ", "")]],
    ]
    columns = [WEEK, TODO, HOURS, Column("Load ")]
    lines = rendered_lines(Grid(columns, rows, title="T ", caption="C "))
    assert [line for line in lines if line != line.rstrip()] == []
    assert lines[4] == " 2 Sep     Conference, 4 h       4   ██|  |"


def test_title_and_caption_frame_the_grid_with_one_blank_line_each() -> None:
    grid = Grid([Column("A")], [["x"]], title="Term one", caption="Hours are estimates.")
    assert rendered(grid) == "Term one\n\n A\n ─\n x\nHours are estimates.\n\n"


def test_without_title_or_caption_the_header_comes_first_and_a_blank_line_last() -> None:
    assert rendered(Grid([Column("A")], [["x"]])) == " A\n ─\n x\n\n"


def test_no_rows_leaves_title_header_rule_and_caption() -> None:
    grid = Grid([WEEK, HOURS], [], title="Empty", caption="Nothing yet.")
    assert rendered(grid) == "Empty\n\n Week of   Hours\n ───────────────\nNothing yet.\n\n"


def test_styles_wrap_only_the_styled_pieces() -> None:
    grid = Grid([Column("A"), LOAD], [["x", BAR]], title="T", caption="C")
    assert styled(grid).split("\n") == [
        "\x1b[1mT\x1b[0m",
        "",
        " \x1b[1mA\x1b[0m   \x1b[1mLoad\x1b[0m",
        " ──────────",
        " x   \x1b[32m██\x1b[0m\x1b[2m|\x1b[0m  \x1b[2m|\x1b[0m",
        "\x1b[2mC\x1b[0m",
        "",
        "",
    ]


def test_a_styled_piece_keeps_its_trailing_spaces() -> None:
    grid = Grid([Column("A")], [[[("x", ""), ("  ", "on red")]]])
    assert " x\x1b[41m  \x1b[0m\n" in styled(grid)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["a", "b"], ["c"]], "row 2 has 1 cells; expected 2"),
        ([["a", "b", "c"]], "row 1 has 3 cells; expected 2"),
    ],
)
def test_a_row_with_the_wrong_number_of_cells_is_refused(
    rows: list[list[Cell]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Grid([Column("A"), Column("B")], rows)


def test_two_flex_columns_are_refused() -> None:
    with pytest.raises(ValueError, match="at most one column may be flex"):
        Grid([Column("A", flex=True), Column("B", flex=True)], [])


def test_a_grid_without_columns_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one column"):
        Grid([], [])


# Characters 1 or 2 cells wide, so a line can be cut by cell offsets: no zero-width marks or
# format characters, and no joiner or variation selector, which make rich measure a whole
# grapheme differently from its characters.
VISIBLE = st.characters(categories=("L", "N", "P", "S"), exclude_characters="\u200d\ufe0f").filter(
    lambda character: get_character_cell_size(character) > 0
)
LINE = st.text(st.one_of(st.just(" "), VISIBLE, st.sampled_from("漢字😀🎉")), max_size=60)
NARROW = st.text(st.one_of(st.just(" "), VISIBLE), max_size=12)


@settings(deadline=None)  # the first render loads rich's unicode width tables
@given(
    rows=st.lists(st.tuples(NARROW, LINE, NARROW), max_size=6),
    width=st.integers(min_value=30, max_value=120),
)
def test_lines_fit_the_width_and_the_flex_column_keeps_every_word_in_order(
    rows: list[tuple[str, str, str]], width: int
) -> None:
    columns = [Column("Left"), Column("Flexible", flex=True), Column("Right", justify="right")]
    lines = rendered_lines(Grid(columns, rows), width)

    left = max([cell_len("Left")] + [cell_len(row[0].rstrip(" ")) for row in rows])
    right = max([cell_len("Right")] + [cell_len(row[2].rstrip(" ")) for row in rows])
    flex_natural = max([cell_len("Flexible")] + [cell_len(row[1].rstrip(" ")) for row in rows])
    minimum_table_width = 1 + left + 3 + min(flex_natural, FLEX_MIN_WIDTH) + 3 + right
    assert all(cell_len(line) <= max(width, minimum_table_width) for line in lines)

    flex_start = 1 + left + 3
    flex_stop = cell_len(lines[1]) - 3 - right
    printed = [word for line in lines[2:] for word in cut(line, flex_start, flex_stop).split(" ")]
    expected = [word for row in rows for word in row[1].split(" ")]
    # a word wider than the column comes out in consecutive pieces; rejoin them to compare
    pieces = [word for word in printed if word]
    for word in (word for word in expected if word):
        rejoined = ""
        while len(rejoined) < len(word):
            rejoined += pieces.pop(0)
        assert rejoined == word
    assert pieces == []
