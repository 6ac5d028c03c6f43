"""A fast table-like renderable: cells under a header and a rule, laid out like box.SIMPLE_HEAD.

rich's Table measures and renders every cell through Text and Padding, which costs ~25 ms for an
80-week plan; this yields Segments straight from strings, at a fraction of that, for a layout
that never needs more than left/right justification and one column that wraps.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple, TypeAlias

from rich.cells import cell_len, chop_cells
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style

Piece: TypeAlias = tuple[str, str]
"""Text and the rich style to print it in ("dim", "bold green", "" for none)."""

Cell: TypeAlias = str | Sequence[Piece]
"""A str may hold several lines split by "\\n"; a sequence of pieces is one line, never wrapped."""

COLUMN_GAP = 3
FLEX_MIN_WIDTH = 10
HEADER_STYLE = "bold"
RULE_CHARACTER = "─"

_NEW_LINE = Segment.line()
_StyledText: TypeAlias = tuple[str, Style | None]

# a word and the run of spaces before it; at a line break the spaces are dropped
_SPACED_WORD = re.compile(r"( *)([^ ]+)")


@dataclass(frozen=True)
class Column:
    """A column's header and layout; its width is that of its widest line, header included."""

    header: str
    justify: Literal["left", "right"] = "left"
    # at most one column: it takes the width left over, and its too-long lines wrap at spaces
    flex: bool = False


@dataclass(frozen=True)
class Grid:
    """Rows of cells under a bold header and a rule; no line ends in spaces, none is cropped."""

    columns: Sequence[Column]
    rows: Sequence[Sequence[Cell]]
    title: str | None = None
    title_style: str = "bold"
    caption: str | None = None
    caption_style: str = "dim"

    def __post_init__(self) -> None:
        if not self.columns:
            raise ValueError("a Grid needs at least one column")
        flex_headers = [column.header for column in self.columns if column.flex]
        if len(flex_headers) > 1:
            raise ValueError(
                f"at most one column may be flex; got {len(flex_headers)}: "
                f"{', '.join(map(repr, flex_headers))}"
            )
        for number, row in enumerate(self.rows, start=1):
            if len(row) != len(self.columns):
                raise ValueError(
                    f"row {number} has {len(row)} cells; expected {len(self.columns)}, "
                    "one per column"
                )

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        styles = _StyleCache(console)
        header = [_header_lines(column.header, styles) for column in self.columns]
        body = [[_cell_lines(cell, styles) for cell in row] for row in self.rows]
        widths = _natural_widths([header, *body])
        flex = next((index for index, column in enumerate(self.columns) if column.flex), None)
        if flex is not None:
            natural_width = widths[flex]
            widths[flex] = _flex_width(flex, widths, [header, *body], options.max_width)
            if widths[flex] < natural_width:
                for row in body:
                    row[flex] = _wrapped(row[flex], widths[flex])
        right = [column.justify == "right" for column in self.columns]

        if self.title:
            yield from _text_lines(self.title, styles[self.title_style])
            yield _NEW_LINE
        yield from _row_segments(header, widths, right)
        yield Segment(" " + RULE_CHARACTER * _table_width(widths))
        yield _NEW_LINE
        for row in body:
            yield from _row_segments(row, widths, right)
        if self.caption:
            yield from _text_lines(self.caption, styles[self.caption_style])
        yield _NEW_LINE


class _Line(NamedTuple):
    """One line of one cell: what to print, how many cells wide it is, and whether it may wrap."""

    pieces: tuple[_StyledText, ...]
    width: int
    wrappable: bool


class _StyleCache(dict[str, Style | None]):
    """Each style string resolved once per render (theme names too); None for plain text."""

    def __init__(self, console: Console) -> None:
        super().__init__()
        self._console = console

    def __missing__(self, name: str) -> Style | None:
        plain = name.strip() in ("", "none")
        style = None if plain else self._console.get_style(name)
        self[name] = style
        return style


def _plain_line(text: str) -> _Line:
    # trailing spaces are invisible; kept, they would widen the column and end lines with spaces
    text = text.rstrip(" ")
    return _Line(((text, None),) if text else (), cell_len(text), wrappable=True)


def _piece_line(pieces: Sequence[Piece], styles: _StyleCache) -> _Line:
    kept = [(text, styles[style]) for text, style in pieces]
    # padding at a line's end is dropped, so a line must not end in nothing or unstyled spaces;
    # styled spaces stay, as a background shows them
    while kept:
        text, style = kept[-1]
        visible = text.rstrip(" ") if style is None else text
        if visible:
            kept[-1] = (visible, style)
            break
        kept.pop()
    return _Line(tuple(kept), sum([cell_len(text) for text, _ in kept]), wrappable=False)


def _cell_lines(cell: Cell, styles: _StyleCache) -> list[_Line]:
    if isinstance(cell, str):
        return [_plain_line(text) for text in cell.split("\n")]
    return [_piece_line(cell, styles)]


def _header_lines(header: str, styles: _StyleCache) -> list[_Line]:
    lines = header.split("\n")
    return [_piece_line([(text.rstrip(" "), HEADER_STYLE)], styles) for text in lines]


def _natural_widths(rows: Sequence[Sequence[Sequence[_Line]]]) -> list[int]:
    widths = [0] * len(rows[0])
    for row in rows:
        for index, lines in enumerate(row):
            for line in lines:
                if line.width > widths[index]:
                    widths[index] = line.width
    return widths


def _table_width(widths: Sequence[int]) -> int:
    return sum(widths) + COLUMN_GAP * (len(widths) - 1)


def _flex_width(
    flex: int, widths: Sequence[int], rows: Sequence[Sequence[Sequence[_Line]]], max_width: int
) -> int:
    """What is left of max_width for the flex column, but no less than it can shrink to."""
    # the header and piece cells never wrap: narrower than them, the columns would not line up
    unwrappable = max(
        (line.width for row in rows for line in row[flex] if not line.wrappable), default=0
    )
    floor = max(FLEX_MIN_WIDTH, unwrappable)
    left_over = max_width - 1 - (_table_width(widths) - widths[flex])
    return min(widths[flex], max(floor, left_over))


def _wrapped(lines: list[_Line], width: int) -> list[_Line]:
    wrapped: list[_Line] = []
    for line in lines:
        if line.width <= width or not line.wrappable:
            wrapped.append(line)
        else:
            wrapped.extend(_plain_line(text) for text in _wrap(line.pieces[0][0], width))
    return wrapped


def _wrap(text: str, width: int) -> list[str]:
    """Break a too-long line at spaces; a word wider than the column is split by cell width."""
    lines: list[str] = []
    line = ""
    line_width = 0
    for match in _SPACED_WORD.finditer(text):
        gap, word = match.groups()
        word_width = cell_len(word)
        # the first word keeps its indent if it fits; later, a gap is kept only within a line
        if line_width + len(gap) + word_width <= width:
            line += gap + word
            line_width += len(gap) + word_width
            continue
        if line:
            lines.append(line)
        if word_width <= width:
            line, line_width = word, word_width
        else:
            *whole, line = chop_cells(word, width)
            lines.extend(whole)
            line_width = cell_len(line)
    lines.append(line)
    return lines


def _row_segments(
    row: Sequence[Sequence[_Line]], widths: Sequence[int], right: Sequence[bool]
) -> Iterator[Segment]:
    """A row's lines. Padding is held back until text follows, so no line ends in spaces, and
    joined to the plain text around it, so there are fewer Segments to write."""
    for index in range(max(len(lines) for lines in row)):
        plain = ""
        padding = 1
        for lines, width, right_justified in zip(row, widths, right, strict=True):
            line = lines[index] if index < len(lines) else None
            if line is None or not line.pieces:
                padding += width + COLUMN_GAP
                continue
            slack = width - line.width
            if right_justified:
                padding += slack
            plain += " " * padding
            for text, style in line.pieces:
                if style is None:
                    plain += text
                else:
                    if plain:
                        yield Segment(plain)
                        plain = ""
                    yield Segment(text, style)
            padding = COLUMN_GAP if right_justified else slack + COLUMN_GAP
        if plain:
            yield Segment(plain)
        yield _NEW_LINE


def _text_lines(text: str, style: Style | None) -> Iterator[Segment]:
    for line in text.split("\n"):
        if stripped := line.rstrip(" "):
            yield Segment(stripped, style)
        yield _NEW_LINE
