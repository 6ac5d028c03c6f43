"""The user's current plan: the saved request, scheduled again, with its re-plans made again.

A re-plan is saved as what it was made from (the day, the minutes logged by then, digests of
the programme, term dates and busy times) as well as the plan it gave. Every command makes the
re-plans again on today's inputs, so when a busy calendar, the term dates or the programme
change under a re-plan, the owed work is placed again on the new inputs rather than dropped;
`refitted` says what changed and how many sessions moved.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, time
from pathlib import Path

from npqplan import store
from npqplan.errors import RequestValueError, ScheduleError, StateError
from npqplan.plan import Plan
from npqplan.request import PlannedProgramme, PlanRequest, check_request, make_plan
from npqplan.scheduling import replan
from npqplan.syncstate import pinned

NO_PLAN_YET = (
    "there is no current plan yet; make one with "
    "'npqplan schedule PROGRAMME --start YYYY-MM' (for example: npqel --start 2024-09)"
)
# What a re-plan was made from, in the words `refitted` uses.
INPUT_NAMES = {
    "busy": "your busy calendar",
    "calendar": "the school term dates",
    "programme": "the programme",
}


@dataclass(frozen=True)
class CurrentPlans:
    """The saved request, its plan as scheduled, and the plan in use (re-planned or not)."""

    request: PlanRequest
    scheduled: PlannedProgramme
    current: PlannedProgramme
    base: str
    replanned_on: date | None
    # One line when the re-plans were made again on changed inputs, else None.
    refitted: str | None = None


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


def input_digests(planned: PlannedProgramme) -> dict[str, str]:
    """A digest of each input a re-plan rests on, to tell later which of them changed."""
    calendar = planned.calendar
    busy = sorted(
        planned.preferences.busy, key=lambda b: (b.day, b.start or time.min, b.end or time.min)
    )
    return {
        "programme": _digest(planned.programme.model_dump_json()),
        "calendar": _digest(repr((calendar.terms, sorted(calendar.bank_holidays.items())))),
        "busy": _digest(repr(busy)),
    }


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def plans(state_dir: Path, user_dir: Path | None, cache_dir: Path | None) -> CurrentPlans:
    """The saved request scheduled, with every saved re-plan of it made again in order."""
    request = saved_request(state_dir)
    scheduled = make_plan(request, user_dir, cache_dir)
    base = store.plan_fingerprint(scheduled.plan)
    saved = store.stored_replans(state_dir, request)
    # Sessions the person moved in their calendar and kept there stand where they put them,
    # fixed, before any re-plan is made again, so re-plans keep them too.
    mine = kept_where_moved(state_dir, request, scheduled)
    if not saved:
        return CurrentPlans(request, scheduled, mine, base, None)
    now = input_digests(scheduled)
    plan = mine.plan
    try:
        for stored in saved:
            plan = replan(
                plan,
                scheduled.programme,
                scheduled.calendar,
                stored.done,
                stored.today,
                scheduled.preferences,
                stored.missed,
            )
    except ScheduleError as error:
        raise StateError(
            f"your re-plan of {saved[-1].today.isoformat()} cannot be made again on what "
            f"changed since ({error}); run 'npqplan replan' to catch up afresh"
        ) from None
    changed = [INPUT_NAMES[k] for k in INPUT_NAMES if saved[-1].inputs.get(k, now[k]) != now[k]]
    refitted = None
    if changed:
        moved = moved_sessions(saved[-1].plan, plan)
        refitted = f"{' and '.join(changed)} changed since your re-plan: {moved} session"
        refitted += f"{'s' if moved != 1 else ''} moved"
    current = replace(scheduled, plan=plan)
    return CurrentPlans(request, scheduled, current, base, saved[-1].today, refitted)


def moved_sessions(before: Plan, after: Plan) -> int:
    """Sessions whose day or time differ between two plans of the same request, or that one
    of them lacks."""
    where = {s.identity: (s.day, s.start, s.minutes) for s in before.sessions}
    found = {s.identity: (s.day, s.start, s.minutes) for s in after.sessions}
    return sum(where.get(key) != value for key, value in found.items()) + len(
        where.keys() - found.keys()
    )


def marked_missed(state_dir: Path, plan: Plan) -> frozenset[str]:
    """Identities of this plan's sessions the person marked missed (`npqplan missed`)."""
    prefix = f"{plan.programme_id}/"
    return frozenset(
        key.removeprefix(prefix)
        for key in store.missed_sessions(state_dir)
        if key.startswith(prefix)
    )


def kept_where_moved(
    state_dir: Path, request: PlanRequest, planned: PlannedProgramme
) -> PlannedProgramme:
    """The plan with the sessions the person moved in their calendar and kept there (`sync
    --take-theirs`, stored for the programme and start) where they put them."""
    return replace(planned, plan=pinned(planned.plan, store.pins(state_dir, request)))
