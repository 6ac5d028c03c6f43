"""Errors that reach the user: each carries a whole actionable message and its exit code."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import ClassVar

EXIT_OK = 0
EXIT_OUTSIDE_TARGET = 1
EXIT_BAD_INPUT = 2
EXIT_BROKEN_PLAN = 3
# The calendar server could not be reached or failed: nothing is wrong with what was asked,
# and the same command later finishes the job.
EXIT_SERVER = 4
EXIT_INTERRUPTED = 130


class NpqplanError(Exception):
    """Something the user can act on; the CLI prints it and exits with `exit_code`."""

    exit_code: int = EXIT_BAD_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def lines(self) -> list[str]:
        return [f"error: {self.message}"]


class UsageError(NpqplanError):
    """A command-line value that cannot be used (a bad date, an unknown option value)."""


class RequestValueError(UsageError):
    """One value of a plan request that cannot be used. It says what was wrong with the value;
    whoever read it (the command line, the state file) says where it came from."""

    def __init__(self, field: str, shown: str, reason: str) -> None:
        # `shown` is the value as the message quotes it (maybe quoted, maybe empty).
        super().__init__(f"{shown}: {reason}" if shown else reason)
        self.field = field
        self.shown = shown
        self.reason = reason


class ProgrammeNotFoundError(NpqplanError):
    """No bundled or user programme has this id, and it is not a file."""


class InvalidFileError(NpqplanError):
    """A YAML file that could not be read or did not validate; one located line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems[0] if problems else "invalid file")
        self.problems = problems

    def lines(self) -> list[str]:
        return list(self.problems)


class CalendarError(NpqplanError):
    """The school calendar cannot cover the dates a plan needs."""


class ScheduleError(NpqplanError):
    """The programme cannot be laid out from this start with these preferences."""


class BrokenPlanError(NpqplanError):
    """A plan that breaks its own rules: a bug in npqplan, never shown or saved."""

    exit_code = EXIT_BROKEN_PLAN

    def __init__(self, fault: str) -> None:
        super().__init__(
            f"internal error: the plan breaks its own rules ({fault}); nothing was shown or "
            "saved. This is a bug in npqplan: please report it with the command you ran"
        )


class StateError(NpqplanError):
    """The user's saved state is missing or cannot be used."""


class RosterError(InvalidFileError):
    """Roster rows whose plans could not be made, one located line each; nothing was written.
    Exit code 3 when one of them is a plan that broke its own rules."""

    def __init__(self, problems: list[str], exit_code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(problems)
        self.exit_code = exit_code


class CalendarServerError(NpqplanError):
    """The CalDAV server could not be reached, timed out or failed; safe to run again."""

    exit_code = EXIT_SERVER


class Stopped(BaseException):
    """A signal that ends the run (Ctrl-C, SIGTERM, SIGHUP): raised where the program is, so
    every `finally` and `with` on the way out cleans up as it does for an error; the exit code
    is 128 + the signal's number, as a shell reports it."""

    # The signal that asked the run to stop, once one has: a signal that arrives while Python
    # runs a hook that swallows exceptions (a fork handler of the cohort's worker pool) is
    # raised again where a folder or file would be put in place.
    received: ClassVar[int | None] = None
    # While above 0, a signal is only noted, and the code checks for it where it is safe: an
    # exception raised inside the worker pool's locks and fork hooks can hang the process.
    deferring: ClassVar[int] = 0

    def __init__(self, signal_number: int) -> None:
        super().__init__(signal_number)
        self.signal_number = signal_number

    @classmethod
    @contextlib.contextmanager
    def deferred(cls) -> Iterator[None]:
        """A block in which a stopping signal is noted, to be raised by `check`."""
        cls.deferring += 1
        try:
            yield
        finally:
            cls.deferring -= 1

    @classmethod
    def check(cls) -> None:
        """Stopped, if a signal asked the run to stop; nothing otherwise."""
        if cls.received is not None:
            raise cls(cls.received)
