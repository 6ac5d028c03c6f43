"""What `sync` says, in plain lines: the person's changes, a dry run's list, each session."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING

from npqplan.plan import Session

if TYPE_CHECKING:
    from npqplan.caldav_sync import Changes


def their_lines(changes: Changes) -> list[str]:
    from npqplan import remote_event

    lines = []
    for theirs in changes.edited:
        session = theirs.planned or theirs.synced.event.session
        now = remote_event.their_start(theirs.data)
        where = f" (now {_moment(now)})" if now is not None else ""
        if theirs.planned is None:
            lines.append(
                f"Left as you changed it: {title(session)}{where}; no longer in your plan, "
                "delete it in your calendar if you do not need it."
            )
        else:
            lines.append(
                f"Left as you changed it: {title(session)}{where}; 'npqplan sync "
                "--take-theirs' keeps it there in the plan, '--restore' puts the plan's back."
            )
    if changes.deleted:
        lines.append(
            f"{len(changes.deleted)} session(s) you deleted in your calendar stay deleted; "
            "'npqplan sync --restore' puts them back."
        )
    return lines


def dry_run_lines(changes: Changes) -> list[str]:
    lines = [f"would add     {title(w.event.session)}" for w in changes.creates]
    lines += [f"would update  {title(w.event.session)}" for w in changes.updates]
    lines += [
        f"would remove  {title(g.session) if g.session else g.href}" for g in changes.removals
    ]
    return lines


def title(session: Session) -> str:
    from npqplan import ics

    return f"{when(session.day, None if session.all_day else session.start)} {ics.summary(session)}"


def when(day: date, start: time | None) -> str:
    text = f"{day:%a} {day.isoformat()}"
    return f"{text} {start:%H:%M}" if start is not None else text


def _moment(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return when(value.date(), value.time())
    return when(value, None)
