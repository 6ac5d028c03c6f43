"""The user's current plan: the saved request, scheduled again (and re-planned, once logged)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from npqplan import store
from npqplan.errors import RequestValueError, StateError
from npqplan.request import PlannedProgramme, PlanRequest, check_request, make_plan
from npqplan.syncstate import pinned

NO_PLAN_YET = (
    "there is no current plan yet; make one with "
    "'npqplan schedule PROGRAMME --start YYYY-MM' (for example: npqel --start 2024-09)"
)


@dataclass(frozen=True)
class CurrentPlans:
    """The saved request, its plan as scheduled, and the plan in use (re-planned or not)."""

    request: PlanRequest
    scheduled: PlannedProgramme
    current: PlannedProgramme
    base: str
    replanned_on: date | None


def saved_request(state_dir: Path) -> PlanRequest:
    request = store.current_request(state_dir)
    if request is None:
        raise StateError(NO_PLAN_YET)
    try:
        check_request(request)
    except RequestValueError as error:
        raise StateError(
            f"the saved plan in {store.database_path(state_dir)} has a {error.field} that "
            f"cannot be used ({error.message}); "
            "make a new plan with 'npqplan schedule'"
        ) from None
    return request


def plans(state_dir: Path, user_dir: Path | None, cache_dir: Path | None) -> CurrentPlans:
    """The saved request scheduled, with the latest re-plan made from that same schedule.

    A re-plan is keyed to the request and to a fingerprint of the plan it was made from, so a
    new `schedule`, or an edited programme or calendar, leaves older re-plans unused. Sessions
    the person moved in their calendar and kept (`store.pins`) stand where they put them.
    """
    request = saved_request(state_dir)
    scheduled = make_plan(request, user_dir, cache_dir)
    base = store.plan_fingerprint(scheduled.plan)
    stored = store.stored_replan(state_dir, request, base)
    if stored is None:
        return CurrentPlans(
            request, scheduled, kept_where_moved(state_dir, request, scheduled), base, None
        )
    current = kept_where_moved(state_dir, request, replace(scheduled, plan=stored.plan))
    return CurrentPlans(request, scheduled, current, base, stored.today)


def kept_where_moved(
    state_dir: Path, request: PlanRequest, planned: PlannedProgramme
) -> PlannedProgramme:
    """The plan with the sessions the person moved in their calendar and kept there (`sync
    --take-theirs`, stored for the programme and start) where they put them."""
    return replace(planned, plan=pinned(planned.plan, store.pins(state_dir, request)))
