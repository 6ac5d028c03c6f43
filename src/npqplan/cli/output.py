"""Where commands print: results to standard output, diagnostics to standard error."""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.console import Console, RenderableType
from rich.segment import Segment

from npqplan.atomic import write_output
from npqplan.errors import EXIT_OK

if TYPE_CHECKING:
    from npqplan.formats import JsonFormatter
    from npqplan.render.formatter import TableFormatter

# Spaces at the end of a line, before any style codes that close it.
_TRAILING_SPACES = re.compile(r" +((?:\x1b\[[0-9;]*m)*)(?=\n|$)")


class _Console(Console):
    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        """What rich writes, without the spaces it pads a table's last column with: a line
        ends where its text does (copied, diffed or read by a screen reader)."""
        return _TRAILING_SPACES.sub(r"\1", super()._render_buffer(buffer))

    def on_broken_pipe(self) -> None:
        """The reader went away (`npqplan schedule | head`): rich points the output at nothing;
        end quietly, and with 0, since 1 means a check found the plan outside its target."""
        with contextlib.suppress(SystemExit):
            super().on_broken_pipe()  # rich exits with 1 once the output is redirected
        raise SystemExit(EXIT_OK)


# No markup: a name from a file like "[link=...]" is printed as written, never interpreted.
stdout = _Console(highlight=False, markup=False)
stderr = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)


def say(line: str) -> None:
    """A diagnostic line on standard error, printed as it is."""
    stderr.print(line, markup=False)


def plain_text(renderable: RenderableType, width: int = 100) -> str:
    """What `renderable` prints, as plain text, for writing to a file."""
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None, markup=False)
    console.print(renderable)
    # A file has no terminal to fill: the padding rich adds to the width of a table goes.
    return "".join(line.rstrip() + "\n" for line in console.export_text().splitlines())


def emit(text: str, output: str | None) -> None:
    """Machine-readable text to standard output, or atomically to the file `output`."""
    if output is None:
        # As it is, not through rich, which takes about a second to lay out a megabyte (a
        # cohort's dates); a closed pipe ends the command quietly (the CLI's funnel).
        stdout.file.write(text)
        stdout.file.flush()
        return
    write_output(output, text.encode("utf-8"))
    say(f"wrote {output}")


def formatter(choice: str) -> JsonFormatter | TableFormatter:
    """The formatter for a --format value, picked once per command; imported only then, so a
    command loads only the one it uses."""
    if choice == "json":
        from npqplan.formats import JsonFormatter

        return JsonFormatter()
    from npqplan.render.formatter import TableFormatter

    return TableFormatter()


def present(result: str | RenderableType) -> None:
    """A formatter's result on standard output: text (JSON, lines) as it is, a renderable
    through rich."""
    if isinstance(result, str):
        stdout.out(result, end="", highlight=False)
    else:
        stdout.print(result)
