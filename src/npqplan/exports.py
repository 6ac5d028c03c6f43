"""What each plan's last calendar export said, kept in the store so re-exports update events."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from npqplan import store
from npqplan.errors import StateError
from npqplan.ics import ExportedEvent
from npqplan.plan import Session


def _session_json(session: Session) -> str:
    return json.dumps(
        {
            "day": session.day.isoformat(),
            "start": session.start.isoformat() if session.start else None,
            "component": session.component,
            "term": session.term,
            "occurrence": session.occurrence,
            "kind": session.kind,
            "delivery": session.delivery,
            "end_date": session.end_date.isoformat(),
            "end": session.end.isoformat() if session.end else None,
            "all_day": session.all_day,
            "hours": session.hours,
            "fixed": session.fixed,
            "provenance": session.provenance,
            "location": session.location,
        },
        sort_keys=True,
        ensure_ascii=False,
    )


def _session(text: str) -> Session:
    data: dict[str, Any] = json.loads(text)
    return Session(
        day=date.fromisoformat(data["day"]),
        start=time.fromisoformat(data["start"]) if data["start"] else None,
        component=str(data["component"]),
        term=str(data["term"]),
        occurrence=int(data["occurrence"]),
        kind=str(data["kind"]),
        delivery=str(data["delivery"]),
        end_date=date.fromisoformat(data["end_date"]),
        end=time.fromisoformat(data["end"]) if data["end"] else None,
        all_day=bool(data["all_day"]),
        hours=float(data["hours"]),
        fixed=bool(data["fixed"]),
        provenance=str(data["provenance"]),
        location=data["location"],
    )


def exported(state_dir: Path, plan_key: str) -> list[ExportedEvent]:
    """What the last export of this plan said about each event (nothing if never exported)."""
    with store.connect(state_dir) as db:
        rows = db.execute(
            "SELECT uid, fingerprint, sequence, modified, session, cancelled "
            "FROM exported_events WHERE plan_key = ? ORDER BY uid",
            (plan_key,),
        ).fetchall()
    try:
        return [
            ExportedEvent(
                uid=str(uid),
                fingerprint=str(fingerprint),
                sequence=int(sequence),
                modified=datetime.fromisoformat(modified) if modified else None,
                session=_session(session),
                cancelled=bool(cancelled),
            )
            for uid, fingerprint, sequence, modified, session, cancelled in rows
        ]
    except (ValueError, KeyError, TypeError) as exc:
        raise StateError(
            f"the record of earlier exports of {plan_key} in {store.database_path(state_dir)} "
            f"cannot be read ({exc})"
        ) from None


def remember(state_dir: Path, plan_key: str, events: Iterable[ExportedEvent]) -> None:
    """Replace what is remembered about this plan's export, all at once."""
    rows = [
        (
            plan_key,
            event.uid,
            event.fingerprint,
            event.sequence,
            event.modified.isoformat() if event.modified else None,
            int(event.cancelled),
            _session_json(event.session),
        )
        for event in events
    ]
    with store.connect(state_dir) as db, store.transaction(db):
        db.execute("DELETE FROM exported_events WHERE plan_key = ?", (plan_key,))
        db.executemany(
            "INSERT INTO exported_events "
            "(plan_key, uid, fingerprint, sequence, modified, cancelled, session) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
