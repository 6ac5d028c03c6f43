"""The user's state in one SQLite file, and every SQL statement npqplan runs.

The current plan's request, the study log, saved re-plans and what each plan's last calendar
export said, with a versioned schema; and the JSON forms in which plans, sessions and requests
are kept there.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from npqplan.errors import StateError, UsageError
from npqplan.plan import ExportedEvent, Plan, Session, Week
from npqplan.progress import LogEntry
from npqplan.render.words import duration_text
from npqplan.request import PlanRequest
from npqplan.schema import ComponentKind, Delivery, IfMissed

DATABASE_NAME = "npqplan.sqlite3"
BUSY_TIMEOUT_MS = 30_000

# Each entry moves the schema up one version; never edit one that has shipped.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE current_plan (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        request TEXT NOT NULL
    );
    """,
    """
    CREATE TABLE log_entries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        hours REAL NOT NULL CHECK (hours > 0 AND hours <= 24),
        component TEXT,
        note TEXT
    );
    CREATE INDEX log_entries_day ON log_entries (day);
    CREATE TABLE replans (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        request TEXT NOT NULL,
        base TEXT NOT NULL,
        today TEXT NOT NULL,
        plan TEXT NOT NULL
    );
    CREATE INDEX replans_request ON replans (request, base);
    CREATE TABLE exported_events (
        plan_key TEXT NOT NULL,
        uid TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        sequence INTEGER NOT NULL CHECK (sequence >= 0),
        modified TEXT,
        cancelled INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),
        session TEXT NOT NULL,
        PRIMARY KEY (plan_key, uid)
    );
    """,
    # The log in whole minutes (a 50-minute module is 50, not 0.83 h), each entry maybe linked
    # to the session it ticked off; and the sessions marked missed. The old table is copied,
    # its ids and its AUTOINCREMENT counter kept, so an undone id is never given out again.
    """
    CREATE TABLE log_entries_v3 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        minutes INTEGER NOT NULL CHECK (minutes > 0 AND minutes <= 1440),
        component TEXT,
        note TEXT,
        session TEXT UNIQUE
    );
    INSERT INTO log_entries_v3 (id, day, minutes, component, note)
        SELECT id, day, CAST(round(hours * 60) AS INTEGER), component, note FROM log_entries;
    DELETE FROM sqlite_sequence WHERE name = 'log_entries_v3';
    INSERT INTO sqlite_sequence (name, seq)
        SELECT 'log_entries_v3', seq FROM sqlite_sequence WHERE name = 'log_entries';
    DROP TABLE log_entries;
    ALTER TABLE log_entries_v3 RENAME TO log_entries;
    CREATE INDEX log_entries_day ON log_entries (day);
    CREATE TABLE missed_sessions (
        session TEXT PRIMARY KEY,
        day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')
    );
    """,
)


def database_path(state_dir: Path) -> Path:
    return state_dir / DATABASE_NAME


@contextmanager
def connect(state_dir: Path) -> Iterator[sqlite3.Connection]:
    """An open, migrated connection for writing; WAL and a busy timeout let commands queue."""
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(
            database_path(state_dir), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
        )
    except (OSError, sqlite3.Error) as exc:
        raise StateError(f"cannot open the state folder {state_dir}: {exc}") from None
    with _reported(state_dir, connection):
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
        _migrate(connection)
        yield connection


@contextmanager
def reading(state_dir: Path) -> Iterator[sqlite3.Connection]:
    """A connection that starts no write, so a read-only folder or a full disk can be read.

    A WAL reader needs the `-shm` index beside the file: where that cannot be made, the file is
    opened read-only, and where not even that works, as immutable, which is exact there because
    nobody can be writing to it.
    """
    uri = database_path(state_dir).absolute().as_uri()
    for options in ("?mode=rw", "?mode=ro", "?mode=ro&immutable=1"):
        try:
            connection = sqlite3.connect(
                uri + options, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
            )
        except sqlite3.OperationalError:
            continue
        try:
            version = _version(connection)
        except sqlite3.OperationalError:
            connection.close()
            continue
        except sqlite3.DatabaseError as exc:
            connection.close()
            raise _state_error(state_dir, exc) from None
        if version != len(MIGRATIONS):
            # An older file needs its migration, which writes; a newer one is refused there.
            connection.close()
            break
        with _reported(state_dir, connection):
            yield connection
        return
    with connect(state_dir) as connection:
        yield connection


_REFUSED_WRITES = {sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY}


def _out_of_space(state_dir: Path, exc: sqlite3.DatabaseError) -> bool:
    # SQLite reports a full disk met while growing its WAL index as a plain I/O error.
    primary = exc.sqlite_errorcode & 0xFF
    return primary == sqlite3.SQLITE_IOERR and shutil.disk_usage(state_dir).free == 0


@contextmanager
def _reported(state_dir: Path, connection: sqlite3.Connection) -> Iterator[None]:
    """SQLite's failures as one line naming the state file; the connection closed either way."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        raise _state_error(state_dir, exc) from None
    finally:
        connection.close()


def _state_error(state_dir: Path, exc: sqlite3.DatabaseError) -> StateError:
    if exc.sqlite_errorcode == sqlite3.SQLITE_FULL or _out_of_space(state_dir, exc):
        return StateError(
            f"no space left on device: cannot write the state file {database_path(state_dir)}"
        )
    if not os.access(state_dir, os.W_OK) and exc.sqlite_errorcode in _REFUSED_WRITES:
        return StateError(
            f"cannot save to the state folder {state_dir}: it is read-only "
            "(reading commands such as status still work)"
        )
    return StateError(f"the state file {database_path(state_dir)} cannot be used ({exc})")


@contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error: all of a change or none of it."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _version(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def _migrate(connection: sqlite3.Connection) -> None:
    # Checked outside a transaction first, so that reading an up-to-date file never writes.
    if _version(connection) == len(MIGRATIONS):
        return
    with transaction(connection):
        version = _version(connection)
        if version > len(MIGRATIONS):
            raise StateError(
                f"the state file was written by a newer npqplan (schema {version}); upgrade npqplan"
            )
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in script.split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {number}")


def exists(state_dir: Path) -> bool:
    """Whether anything was ever saved: checked so that reading never creates a state file."""
    return database_path(state_dir).exists()


def _damaged(state_dir: Path, what: str, exc: Exception) -> StateError:
    return StateError(
        f"{what} in the state file {database_path(state_dir)} cannot be read ({exc}); "
        "move the file away to start afresh"
    )


# -- the current plan -------------------------------------------------------------------------


def save_current_request(state_dir: Path, request: PlanRequest) -> None:
    with connect(state_dir) as db, transaction(db):
        db.execute(
            "INSERT INTO current_plan (id, request) VALUES (1, ?) "
            "ON CONFLICT (id) DO UPDATE SET request = excluded.request",
            (request_json(request),),
        )


def current_request(state_dir: Path) -> PlanRequest | None:
    """The saved request, or None when no plan was ever saved."""
    if not exists(state_dir):
        return None
    with reading(state_dir) as db:
        row = db.execute("SELECT request FROM current_plan WHERE id = 1").fetchone()
    if row is None:
        return None
    try:
        return request_from_json(str(row[0]))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise _damaged(state_dir, "the saved plan", exc) from None


def request_json(request: PlanRequest) -> str:
    """The request as saved; stored re-plans are keyed on this exact text."""
    return json.dumps(asdict(request), sort_keys=True)


def request_from_json(text: str) -> PlanRequest:
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("not a mapping")
    known = set(PlanRequest.__dataclass_fields__)
    values = {key: value for key, value in data.items() if key in known}
    values["blocked"] = tuple(values.get("blocked", ()))
    values["busy_files"] = tuple(values.get("busy_files", ()))
    request = PlanRequest(**values)
    for name, kind in _REQUEST_TYPES.items():
        value = getattr(request, name)
        if not isinstance(value, kind) or isinstance(value, bool) is not (kind is bool):
            raise ValueError(f"{name} is {value!r}")
    for name in ("blocked", "busy_files"):
        items = getattr(request, name)
        if not all(isinstance(item, str) for item in items):
            raise ValueError(f"{name} is {items!r}")
    return request


_REQUEST_TYPES: dict[str, type | tuple[type, ...]] = {
    "programme": str,
    "start": str,
    "calendar": str,
    "terms_file": (str, type(None)),
    "cohort_file": (str, type(None)),
    "study_days": str,
    "study_time": str,
    "session_hours": (int, float),
    "weekly_cap": (int, float, type(None)),
    "holiday_study": bool,
    "allow_estimates": bool,
}


# -- the study log ----------------------------------------------------------------------------

MAX_MINUTES_PER_DAY = 24 * 60
_ENTRY_COLUMNS = "id, day, minutes, component, note, session"


def _check_day_total(db: sqlite3.Connection, day: date, minutes: int) -> None:
    row = db.execute(
        "SELECT COALESCE(SUM(minutes), 0) FROM log_entries WHERE day = ?", (day.isoformat(),)
    ).fetchone()
    already = int(row[0])
    if already + minutes > MAX_MINUTES_PER_DAY:
        raise UsageError(
            f"{day.isoformat()} already has {duration_text(already)} logged; another "
            f"{duration_text(minutes)} would make more than 24 h in one day"
        )


def _insert(
    db: sqlite3.Connection,
    day: date,
    minutes: int,
    component: str | None,
    note: str | None,
    session: str | None,
) -> LogEntry:
    _check_day_total(db, day, minutes)
    cursor = db.execute(
        "INSERT INTO log_entries (day, minutes, component, note, session) VALUES (?, ?, ?, ?, ?)",
        (day.isoformat(), minutes, component, note, session),
    )
    assert cursor.lastrowid is not None
    return LogEntry(cursor.lastrowid, day, minutes, component, note, session)


def add_entry(
    state_dir: Path, day: date, minutes: int, component: str | None, note: str | None
) -> LogEntry:
    """Insert one entry; the day's total is checked inside the same write transaction."""
    with connect(state_dir) as db, transaction(db):
        return _insert(db, day, minutes, component, note, None)


def _entry(row: Iterable[Any]) -> LogEntry:
    entry_id, day, minutes, component, note, session = row
    return LogEntry(
        id=int(entry_id),
        day=date.fromisoformat(str(day)),
        minutes=int(minutes),
        component=None if component is None else str(component),
        note=None if note is None else str(note),
        session=None if session is None else str(session),
    )


def log_entries(state_dir: Path) -> list[LogEntry]:
    """Every entry, or none when there is no state file yet (without making one)."""
    if not exists(state_dir):
        return []
    with reading(state_dir) as db:
        rows = db.execute(f"SELECT {_ENTRY_COLUMNS} FROM log_entries ORDER BY day, id").fetchall()
    try:
        return [_entry(row) for row in rows]
    except (ValueError, TypeError) as exc:
        raise _damaged(state_dir, "the study log", exc) from None


def logged_hours_by_day(state_dir: Path) -> dict[date, float]:
    """Hours logged per day, for reports that compare what was done with the plan."""
    totals: dict[date, float] = {}
    for entry in log_entries(state_dir):
        totals[entry.day] = totals.get(entry.day, 0.0) + entry.hours
    return totals


def _delete(db: sqlite3.Connection, where: str, value: object) -> LogEntry | None:
    row = db.execute(
        f"SELECT {_ENTRY_COLUMNS} FROM log_entries WHERE {where} = ?",
        (value,),
    ).fetchone()
    if row is None:
        return None
    db.execute(f"DELETE FROM log_entries WHERE {where} = ?", (value,))
    return _entry(row)


def remove_entry(state_dir: Path, entry_id: int) -> LogEntry | None:
    """Remove one entry and return it; None when there is no such entry. An entry that ticked
    a session off goes with its tick: the session is to do again."""
    if not exists(state_dir):
        return None
    with connect(state_dir) as db, transaction(db):
        return _delete(db, "id", entry_id)


# -- ticked and missed sessions ---------------------------------------------------------------


@dataclass(frozen=True)
class Marked:
    """What marking one session did: whether anything changed, and the log entry it has, or had
    (a miss removes a tick's entry); `unmissed` when a tick took a missed mark away."""

    changed: bool
    entry: LogEntry | None = None
    unmissed: bool = False


def mark_done(state_dir: Path, session: str, day: date, minutes: int, component: str) -> Marked:
    """Tick a session off: one log entry of its minutes against its component, linked to it.
    Ticking it again changes nothing; a missed mark on it goes, in the same transaction."""
    with connect(state_dir) as db, transaction(db):
        row = db.execute(
            f"SELECT {_ENTRY_COLUMNS} FROM log_entries WHERE session = ?",
            (session,),
        ).fetchone()
        if row is not None:
            return Marked(changed=False, entry=_entry(row))
        unmissed = db.execute("DELETE FROM missed_sessions WHERE session = ?", (session,))
        entry = _insert(db, day, minutes, component, None, session)
        return Marked(changed=True, entry=entry, unmissed=unmissed.rowcount > 0)


def unmark_done(state_dir: Path, session: str) -> Marked:
    """Untick a session: its log entry goes; nothing changes when it was not ticked."""
    if not exists(state_dir):
        return Marked(changed=False)
    with connect(state_dir) as db, transaction(db):
        removed = _delete(db, "session", session)
    return Marked(changed=removed is not None, entry=removed)


def mark_missed(state_dir: Path, session: str, day: date) -> Marked:
    """Mark a session missed (a tick on it goes, in the same transaction); again, no change."""
    with connect(state_dir) as db, transaction(db):
        already = db.execute(
            "SELECT 1 FROM missed_sessions WHERE session = ?", (session,)
        ).fetchone()
        if already is not None:
            return Marked(changed=False)
        removed = _delete(db, "session", session)
        db.execute(
            "INSERT INTO missed_sessions (session, day) VALUES (?, ?)", (session, day.isoformat())
        )
    return Marked(changed=True, entry=removed)


def unmark_missed(state_dir: Path, session: str) -> Marked:
    if not exists(state_dir):
        return Marked(changed=False)
    with connect(state_dir) as db, transaction(db):
        cursor = db.execute("DELETE FROM missed_sessions WHERE session = ?", (session,))
    return Marked(changed=cursor.rowcount > 0)


def missed_sessions(state_dir: Path) -> frozenset[str]:
    """The keys (`agenda.session_key`) of every session marked missed, for views and re-plans."""
    if not exists(state_dir):
        return frozenset()
    with reading(state_dir) as db:
        rows = db.execute("SELECT session FROM missed_sessions").fetchall()
    return frozenset(str(row[0]) for row in rows)


def ticked_sessions(entries: Iterable[LogEntry]) -> frozenset[str]:
    """The keys of the sessions these log entries ticked off."""
    return frozenset(entry.session for entry in entries if entry.session is not None)


# -- stored re-plans --------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredReplan:
    today: date
    plan: Plan


def save_replan(state_dir: Path, request: PlanRequest, base: str, today: date, plan: Plan) -> None:
    """Keep a re-plan for this request, made from the scheduled plan whose fingerprint is `base`."""
    with connect(state_dir) as db, transaction(db):
        db.execute(
            "INSERT INTO replans (request, base, today, plan) VALUES (?, ?, ?, ?)",
            (request_json(request), base, today.isoformat(), encode_plan(plan)),
        )


def stored_replan(state_dir: Path, request: PlanRequest, base: str) -> StoredReplan | None:
    """The latest re-plan of this request made from the same scheduled plan, if any."""
    with reading(state_dir) as db:
        row = db.execute(
            "SELECT today, plan FROM replans WHERE request = ? AND base = ? "
            "ORDER BY id DESC LIMIT 1",
            (request_json(request), base),
        ).fetchone()
    if row is None:
        return None
    try:
        return StoredReplan(date.fromisoformat(str(row[0])), decode_plan(str(row[1])))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise _damaged(state_dir, "the saved re-plan", exc) from None


def encode_plan(plan: Plan) -> str:
    """Every field of a plan, so a stored re-plan comes back exactly as it was saved."""
    data = {
        "programme_id": plan.programme_id,
        "title": plan.title,
        "provider": plan.provider,
        "start": plan.start.isoformat(),
        "taught_end": plan.taught_end.isoformat(),
        "end": plan.end.isoformat(),
        "target": list(plan.target),
        "calendar": plan.calendar_name,
        "declared_total": plan.declared_total,
        "weekly_cap": plan.weekly_cap,
        "warnings": list(plan.warnings),
        "notes": list(plan.notes),
        "moved_for_busy": plan.moved_for_busy,
        "engagement_rule": list(plan.engagement_rule) if plan.engagement_rule else None,
        "weeks": [
            {
                "week_start": week.week_start.isoformat(),
                "label": week.label,
                "holiday": week.holiday,
                "term": week.term,
                "sessions": [session_record(s) for s in week.sessions],
            }
            for week in plan.weeks
        ],
    }
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def decode_plan(text: str) -> Plan:
    data: dict[str, Any] = json.loads(text)
    low, high = data["target"]
    return Plan(
        programme_id=str(data["programme_id"]),
        title=str(data["title"]),
        provider=str(data["provider"]),
        start=date.fromisoformat(data["start"]),
        taught_end=date.fromisoformat(data["taught_end"]),
        end=date.fromisoformat(data["end"]),
        target=(float(low), float(high)),
        calendar_name=str(data["calendar"]),
        weeks=tuple(
            Week(
                week_start=date.fromisoformat(week["week_start"]),
                label=str(week["label"]),
                holiday=bool(week["holiday"]),
                term=None if week["term"] is None else str(week["term"]),
                sessions=tuple(session_from_record(s) for s in week["sessions"]),
            )
            for week in data["weeks"]
        ),
        declared_total=None if data["declared_total"] is None else float(data["declared_total"]),
        weekly_cap=float(data["weekly_cap"]),
        warnings=tuple(str(w) for w in data["warnings"]),
        notes=tuple(str(n) for n in data.get("notes", ())),
        engagement_rule=_engagement_rule(data.get("engagement_rule")),
        moved_for_busy=None if data.get("moved_for_busy") is None else int(data["moved_for_busy"]),
    )


def _engagement_rule(value: Any) -> tuple[int | None, int | None] | None:
    if value is None:
        return None
    live, self_directed = value
    return (
        None if live is None else int(live),
        None if self_directed is None else int(self_directed),
    )


def plan_fingerprint(plan: Plan) -> str:
    """Which scheduled plan a re-plan was made from: a digest of all its fields."""
    return hashlib.sha256(encode_plan(plan).encode("utf-8")).hexdigest()


def _clock(value: time | None) -> str | None:
    return value.isoformat(timespec="minutes") if value else None


def _unclock(value: Any) -> time | None:
    return time.fromisoformat(str(value)) if value is not None else None


def session_record(session: Session) -> dict[str, Any]:
    """Every field of a session as JSON-ready values; `session_from_record` reads it back."""
    return {
        "day": session.day.isoformat(),
        "start": _clock(session.start),
        "component": session.component,
        "term": session.term,
        "occurrence": session.occurrence,
        "kind": session.kind.value,
        "delivery": session.delivery.value,
        "end_date": session.end_date.isoformat(),
        "end": _clock(session.end),
        "all_day": session.all_day,
        "hours": session.hours,
        "fixed": session.fixed,
        "provenance": session.provenance,
        "location": session.location,
        "if_missed": session.if_missed.value if session.if_missed else None,
        "counts_for_engagement": session.counts_for_engagement,
    }


def session_from_record(data: Mapping[str, Any]) -> Session:
    return Session(
        day=date.fromisoformat(data["day"]),
        start=_unclock(data["start"]),
        component=str(data["component"]),
        term=str(data["term"]),
        occurrence=int(data["occurrence"]),
        kind=ComponentKind(data["kind"]),
        delivery=Delivery(data["delivery"]),
        end_date=date.fromisoformat(data["end_date"]),
        end=_unclock(data["end"]),
        all_day=bool(data["all_day"]),
        hours=float(data["hours"]),
        fixed=bool(data["fixed"]),
        provenance=str(data["provenance"]),
        location=None if data["location"] is None else str(data["location"]),
        if_missed=IfMissed(data["if_missed"]) if data.get("if_missed") else None,
        counts_for_engagement=bool(data.get("counts_for_engagement", True)),
    )


# -- calendar exports -------------------------------------------------------------------------


def exported_events(state_dir: Path, plan_key: str) -> list[ExportedEvent]:
    """What the last export of this plan said about each event (nothing if never exported)."""
    if not exists(state_dir):
        return []
    with reading(state_dir) as db:
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
                session=session_from_record(json.loads(session)),
                cancelled=bool(cancelled),
            )
            for uid, fingerprint, sequence, modified, session, cancelled in rows
        ]
    except (ValueError, KeyError, TypeError) as exc:
        raise _damaged(state_dir, f"the record of earlier exports of {plan_key}", exc) from None


def remember_export(
    state_dir: Path,
    plan_key: str,
    events: Iterable[ExportedEvent],
    *,
    write: Callable[[], None] = lambda: None,
) -> None:
    """Replace what is remembered about this plan's export, all at once, and call `write` (the
    file the record describes) before the record commits: a failed write records nothing, and
    a record that cannot be stored (a full disk) fails before the file is written."""
    rows = [
        (
            plan_key,
            event.uid,
            event.fingerprint,
            event.sequence,
            event.modified.isoformat() if event.modified else None,
            int(event.cancelled),
            json.dumps(session_record(event.session), sort_keys=True, ensure_ascii=False),
        )
        for event in events
    ]
    with connect(state_dir) as db, transaction(db):
        db.execute("DELETE FROM exported_events WHERE plan_key = ?", (plan_key,))
        db.executemany(
            "INSERT INTO exported_events "
            "(plan_key, uid, fingerprint, sequence, modified, cancelled, session) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        write()
