"""The planning engine: a first plan (`build_plan`) and a re-plan (`replan`) place sessions
through the same rule modules; see `build` and `replan` for the rules in order."""

from npqplan.scheduling.build import build_plan, plan_span, planning_for
from npqplan.scheduling.catchup import missed_events
from npqplan.scheduling.changes import Change, changes, moved_minutes
from npqplan.scheduling.context import FixedDates
from npqplan.scheduling.replan import REPLAN_NOTE, replan

__all__ = [
    "REPLAN_NOTE",
    "Change",
    "FixedDates",
    "build_plan",
    "changes",
    "missed_events",
    "moved_minutes",
    "plan_span",
    "planning_for",
    "replan",
]
