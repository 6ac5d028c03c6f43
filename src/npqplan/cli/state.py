"""The person's current plan, loaded once per command, saying when its re-plans were refitted."""

from __future__ import annotations

from npqplan import current, paths
from npqplan.cli.output import say


def current_plans() -> current.CurrentPlans:
    found = current.plans(paths.state_dir(), paths.user_programmes_dir(), paths.cache_dir())
    if found.refitted is not None:
        say(found.refitted)
    return found
