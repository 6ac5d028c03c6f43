"""Where commands print: results to standard output, diagnostics to standard error."""

from __future__ import annotations

import contextlib
import io

from rich.console import Console, RenderableType

from npqplan.atomic import write_output
from npqplan.errors import EXIT_OK


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """The reader went away (`npqplan schedule | head`): rich points the output at nothing;
        end quietly, and with 0, since 1 means a check found the plan outside its target."""
        with contextlib.suppress(SystemExit):
            super().on_broken_pipe()  # rich exits with 1 once the output is redirected
        raise SystemExit(EXIT_OK)


stdout = _Console(highlight=False)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def say(line: str) -> None:
    """A diagnostic line on standard error, printed as it is."""
    stderr.print(line, markup=False)


def plain_text(renderable: RenderableType, width: int = 100) -> str:
    """What `renderable` prints, as plain text, for writing to a file."""
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
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
