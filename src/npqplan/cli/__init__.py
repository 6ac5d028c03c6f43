"""The command line: argv -> one library call per step -> print -> exit code.

Each command group lives in its own module; this one gathers them, adds `--version` and shell
completion, and is the one place a library error becomes a line on stderr and an exit code.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import signal
import sys
from collections.abc import Sequence
from types import FrameType
from typing import Annotated, Any

import typer

# typer's own copy of click's exceptions, the only way to tell a usage error from the rest.
from typer._click.exceptions import NoArgsIsHelpError
from typer._click.exceptions import UsageError as CommandLineError
from typer.core import TyperGroup

from npqplan import __version__
from npqplan.cli.output import say, stdout
from npqplan.errors import EXIT_BAD_INPUT, EXIT_OK, NpqplanError, Stopped


def _usage_line(error: CommandLineError) -> str:
    """One line for what typer refuses (an unknown option, a missing argument), with where to
    look, instead of typer's usage block."""
    message = error.format_message().replace("Value error, ", "")
    if isinstance(error, typer.BadParameter):
        return f"error: {message}"
    command = error.ctx.command_path if error.ctx is not None else "npqplan"
    return f"error: {message[:1].lower()}{message[1:].rstrip('.')}; see '{command} --help'"


class _ReportedErrors(TyperGroup):
    """Runs every command so that an NpqplanError ends it with its lines and its exit code, and
    a usage error typer finds (an unknown option, a --format it does not know) with one line."""

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except NoArgsIsHelpError:
            raise
        except CommandLineError as error:
            say(_usage_line(error))
            raise typer.Exit(EXIT_BAD_INPUT) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except NpqplanError as error:
            for line in error.lines():
                say(line)
            raise typer.Exit(error.exit_code) from None
        except NoArgsIsHelpError:
            raise
        except CommandLineError as error:
            say(_usage_line(error))
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except BrokenPipeError:
            # The reader went away (`npqplan schedule | head`): stop quietly, and point standard
            # output at nothing so that the final flush does not fail on the closed pipe.
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(EXIT_OK) from None
        except OSError as error:
            # Every file npqplan writes reports its own errors; what is left is standard output.
            say(f"error: cannot write the output: {error.strerror or error}")
            raise typer.Exit(EXIT_BAD_INPUT) from None


# The module that declares each command. typer reads every command's signature when it builds
# an app (for all of npqplan's, about 100 ms), so a run builds, and imports, only the module of
# the command it names; `app`, the whole of it, serves --help, --version, completion and tests.
COMMAND_MODULES = {
    "list": "programmes", "show": "programmes", "validate": "programmes",
    "calendars": "calendars", "schedule": "plan", "export": "plan", "check-hours": "hours",
    "log": "progress", "status": "progress", "replan": "progress", "today": "agenda",
    "week": "agenda", "done": "agenda", "missed": "agenda", "cohort": "cohort",
    "sync": "sync",
}  # fmt: skip
GROUPS = ("programmes", "calendars", "plan", "hours", "progress", "agenda", "cohort", "sync")
COMPLETION_VARIABLE = "_NPQPLAN_COMPLETE"
HELP = "Plan an NPQ week by week around school terms, and keep to 1–2 hours a week."


def _print_version(wanted: bool) -> None:
    if wanted:
        stdout.out(f"npqplan {__version__}", highlight=False)
        raise typer.Exit()


def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Plan an NPQ week by week around school terms, and keep to 1–2 hours a week."""


def build_app(groups: Sequence[str] = GROUPS) -> typer.Typer:
    """The command line with the commands of these modules of npqplan.cli."""
    made = typer.Typer(
        cls=_ReportedErrors, name="npqplan", no_args_is_help=True, rich_markup_mode=None, help=HELP
    )
    for group in groups:
        made.add_typer(importlib.import_module(f"npqplan.cli.{group}").app)
    made.callback()(_options)
    return made


def __getattr__(name: str) -> typer.Typer:
    """`npqplan.cli.app`, every command, built on first use (PEP 562)."""
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    whole = build_app()
    globals()["app"] = whole
    return whole


# What `timeout`, systemd, `kill` and a closed terminal send, and Ctrl-C.
STOPPING_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _stop(signal_number: int, frame: FrameType | None) -> None:
    # Once stopping, a second signal must not cut the clean-up short.
    for each in STOPPING_SIGNALS:
        signal.signal(each, signal.SIG_IGN)
    Stopped.received = signal_number
    if not Stopped.deferring:
        raise Stopped(signal_number)


def main() -> None:
    for each in STOPPING_SIGNALS:
        signal.signal(each, _stop)
    named = sys.argv[1] if len(sys.argv) > 1 else None
    group = COMMAND_MODULES.get(named or "")
    whole = group is None or COMPLETION_VARIABLE in os.environ
    command_line = build_app() if whole or group is None else build_app([group])
    try:
        command_line(prog_name="npqplan")
    except Stopped as stopped:
        number = stopped.signal_number
    except SystemExit:
        if Stopped.received is None:
            raise
        number = Stopped.received  # the signal came where Python could not raise it
    # The folders and files a command was writing have been removed on the way here.
    say(f"stopped by {signal.Signals(number).name}")
    sys.exit(128 + number)
