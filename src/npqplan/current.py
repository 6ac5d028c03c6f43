"""The user's current plan: the saved request, scheduled again (and re-planned, once logged)."""

from __future__ import annotations

from pathlib import Path

from npqplan import planning, store
from npqplan.errors import StateError


def saved_request(state_dir: Path) -> planning.PlanRequest:
    with store.connect(state_dir) as db:
        saved = store.current_request(db)
    if saved is None:
        raise StateError(
            "there is no current plan yet; make one with "
            "'npqplan schedule PROGRAMME --start YYYY-MM' (for example: npqel --start 2024-09)"
        )
    return planning.PlanRequest.from_json(saved)


def save_request(state_dir: Path, request: planning.PlanRequest) -> None:
    with store.connect(state_dir) as db:
        store.save_current_request(db, request.to_json())


def current_plan(state_dir: Path, user_dir: Path | None) -> planning.PlannedProgramme:
    """The plan every command means by "my plan"."""
    return planning.make_plan(saved_request(state_dir), user_dir)
