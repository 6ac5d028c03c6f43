"""What shell completion offers for a word: programme ids, calendar names, component names.

Each runs on every Tab press, so it reads only what it offers and never fails: a completion that
cannot be worked out offers nothing.
"""

from __future__ import annotations

import contextlib

from npqplan import paths
from npqplan.errors import NpqplanError


def programme_ids(incomplete: str) -> list[str]:
    from npqplan.loader import known_ids

    with contextlib.suppress(NpqplanError, OSError):
        return [
            name for name in known_ids(paths.user_programmes_dir()) if name.startswith(incomplete)
        ]
    return []


def calendar_names(incomplete: str) -> list[str]:
    from npqplan.request import bundled_calendars

    wanted = incomplete.casefold()
    return [name for name in bundled_calendars() if name.startswith(wanted)]


def component_names(incomplete: str) -> list[str]:
    """The current plan's components whose name starts with what was typed (typer offers only
    what starts with it; `--component` itself takes any part of a name)."""
    from npqplan import current
    from npqplan.progress import component_names as names_of

    with contextlib.suppress(NpqplanError, OSError):
        found = current.plans(paths.state_dir(), paths.user_programmes_dir(), paths.cache_dir())
        return [name for name in names_of(found.current.plan) if name.startswith(incomplete)]
    return []
