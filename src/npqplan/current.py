"""The user's current plan: the saved request, scheduled again (and re-planned, once logged)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from npqplan import paths, planning, store
from npqplan.errors import StateError
from npqplan.request import PlanRequest

NO_PLAN_YET = (
    "there is no current plan yet; make one with "
    "'npqplan schedule PROGRAMME --start YYYY-MM' (for example: npqel --start 2024-09)"
)


@dataclass(frozen=True)
class CurrentPlans:
    """The saved request, its plan as scheduled, and the plan in use (re-planned or not)."""

    request: PlanRequest
    scheduled: planning.PlannedProgramme
    current: planning.PlannedProgramme
    base: str
    replanned_on: date | None


def saved_request(state_dir: Path) -> PlanRequest:
    # Checked first so that asking for a plan never creates an empty state file.
    if not store.database_path(state_dir).exists():
        raise StateError(NO_PLAN_YET)
    with store.connect(state_dir) as db:
        saved = store.current_request(db)
    if saved is None:
        raise StateError(NO_PLAN_YET)
    return PlanRequest.from_json(saved)


def save_request(state_dir: Path, request: PlanRequest) -> None:
    with store.connect(state_dir) as db:
        store.save_current_request(db, request.to_json())


def plans(state_dir: Path, user_dir: Path | None) -> CurrentPlans:
    """The saved request scheduled, with the latest re-plan made from that same schedule.

    A re-plan is keyed to the request's JSON and to a fingerprint of the plan it was made from,
    so a new `schedule`, or an edited programme or calendar, leaves older re-plans unused.
    """
    from npqplan import progress  # only for a plan that may have been re-planned

    request = saved_request(state_dir)
    scheduled = planning.make_plan(request, user_dir, paths.cache_dir())
    base = progress.plan_fingerprint(scheduled.plan)
    with store.connect(state_dir) as db:
        stored = progress.stored_replan(db, request.to_json(), base)
    if stored is None:
        return CurrentPlans(request, scheduled, scheduled, base, None)
    current = replace(scheduled, plan=stored.plan)
    return CurrentPlans(request, scheduled, current, base, stored.today)


def current_plan(state_dir: Path, user_dir: Path | None) -> planning.PlannedProgramme:
    """The plan every command means by "my plan"."""
    return plans(state_dir, user_dir).current
