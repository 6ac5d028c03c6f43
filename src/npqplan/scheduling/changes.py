"""What a re-plan changed, session by session: for its preview and for the person's calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from npqplan.plan import Plan, Session, in_time_order


@dataclass(frozen=True)
class Change:
    """One session a re-plan touched: moved, shortened where it was, or new (catch-up)."""

    before: Session | None
    after: Session | None

    @property
    def component(self) -> str:
        session = self.after or self.before
        assert session is not None
        return session.component


def moved_minutes(old: Plan, new: Plan, today: date) -> int:
    """Minutes that left the past: what the re-plan asks to be caught up."""
    return sum(s.minutes for s in old.sessions if s.day < today) - sum(
        s.minutes for s in new.sessions if s.day < today
    )


def changes(old: Plan, new: Plan) -> list[Change]:
    """What differs between two plans, session by session, matched by identity."""
    before = {s.identity: s for s in old.sessions}
    after = {s.identity: s for s in new.sessions}
    found = [
        Change(before.get(identity), after.get(identity))
        for identity in before.keys() | after.keys()
        if before.get(identity) != after.get(identity)
    ]
    return sorted(found, key=_change_order)


def _change_order(change: Change) -> tuple[tuple[date, time, str, str, int], str]:
    session = change.before or change.after
    assert session is not None
    return (in_time_order(session), change.component)
