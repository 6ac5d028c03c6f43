"""The one table style every npqplan table uses, and a cell that keeps "3 h" on one line."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions
from rich.measure import Measurement
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

# A duration ("3 h", "50 min", "1 h 5 min"), joined while lines are wrapped; textwrap never
# breaks at this mark.
_FIGURE_AND_UNIT = re.compile(r"\d+(?:\.\d+)? h(?: \d+ min\b)?\b|\d+ min\b")
_GLUE = "\x00"


def table(title: str | None = None, **options: Any) -> Table:
    """A rich Table with a bold left-aligned title, a rule under the header and no edges,
    so that it reads at 80 columns and in plain text."""
    return Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
        **options,
    )


def indented(text: str) -> Padding:
    """A line two spaces in, whose wrapped lines stay two spaces in."""
    return Padding(KeptTogether(text), (0, 0, 0, 2), expand=False)


@dataclass(frozen=True)
class KeptTogether:
    """Lines of cell text that wrap at spaces, but never inside a duration.

    rich wraps at every space, so "Residential event (10 h)" could end a line with "(10" and
    start the next with "h)"; this cell wraps the same way a table cell does otherwise.
    """

    text: str
    style: str = ""

    def _lines(self) -> list[str]:
        return [
            _FIGURE_AND_UNIT.sub(lambda unit: unit[0].replace(" ", _GLUE), line)
            for line in self.text.splitlines()
        ]

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        # The narrowest is the longest unbreakable run ("(10 h)" counts as one); the widest, the
        # longest line as written.
        words = [word.replace(_GLUE, " ") for line in self._lines() for word in line.split(" ")]
        lines = self.text.splitlines() or [""]
        return Measurement(max(map(cell_len, words or [""])), max(map(cell_len, lines)))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        for line in self._lines():
            width = max(options.max_width, 1)
            for piece in textwrap.wrap(line, width, break_on_hyphens=False) or [""]:
                yield Text(piece.replace(_GLUE, " "), style=self.style)
