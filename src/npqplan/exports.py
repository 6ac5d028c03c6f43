"""What each plan's last calendar export said, kept in the store so re-exports update events."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from npqplan import store
from npqplan.errors import StateError
from npqplan.ics import ExportedEvent
from npqplan.plan import Session


def _session_json(session: Session) -> str:
    return json.dumps(session.to_record(), sort_keys=True, ensure_ascii=False)


def _session(text: str) -> Session:
    return Session.from_record(json.loads(text))


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
