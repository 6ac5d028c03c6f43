"""The user's state in one SQLite file, and every SQL statement npqplan runs.

The current plan's request, the study log, saved re-plans, what each plan's last calendar
export said, what syncs wrote to a CalDAV calendar and the sessions a person moved there, with
a versioned schema; and the JSON forms in which plans, sessions and requests
are kept there.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from npqplan.errors import StateError, UsageError
from npqplan.plan import BusyCalendarRead, ExportedEvent, Plan, Session, Week
from npqplan.progress import LogEntry
from npqplan.render.words import duration_text
from npqplan.request import PlanRequest
from npqplan.schema import ComponentKind, Delivery, IfMissed
from npqplan.syncstate import Pin, SyncedEvent

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
    # A re-plan keeps what was logged when it was made and what it was made from, so that it
    # can be made again on changed inputs (a busy calendar, the programme, the term dates).
    """
    ALTER TABLE replans ADD COLUMN done TEXT;
    ALTER TABLE replans ADD COLUMN inputs TEXT;
    CREATE INDEX replans_by_request ON replans (request, id);
    """,
    # What sync wrote to a CalDAV calendar, and the sessions the person moved and kept there.
    """
    CREATE TABLE synced_events (
        calendar TEXT NOT NULL,
        uid TEXT NOT NULL,
        href TEXT NOT NULL,
        etag TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        sequence INTEGER NOT NULL CHECK (sequence >= 0),
        modified TEXT,
        session TEXT NOT NULL,
        PRIMARY KEY (calendar, uid)
    );
    CREATE TABLE pinned_sessions (
        programme TEXT NOT NULL,
        start TEXT NOT NULL,
        identity TEXT NOT NULL,
        day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        time TEXT,
        PRIMARY KEY (programme, start, identity)
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
    """A saved re-plan: the day it was made, the minutes logged by then by component, digests
    of the inputs it was made from, and the plan it gave."""

    today: date
    done: dict[str | None, int]
    inputs: dict[str, str]
    plan: Plan
    # Identities of the sessions marked missed by then (`npqplan missed`).
    missed: frozenset[str] = frozenset()


def save_replan(
    state_dir: Path,
    request: PlanRequest,
    base: str,
    replan: StoredReplan,
) -> None:
    """Keep a re-plan of this request, made on top of the plan whose fingerprint is `base`."""
    done = [[name, minutes] for name, minutes in sorted(replan.done.items(), key=_by_name)]
    with connect(state_dir) as db, transaction(db):
        db.execute(
            "INSERT INTO replans (request, base, today, plan, done, inputs) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                request_json(request),
                base,
                replan.today.isoformat(),
                encode_plan(replan.plan),
                json.dumps(done, ensure_ascii=False),
                json.dumps({**replan.inputs, MISSED_KEY: sorted(replan.missed)}, sort_keys=True),
            ),
        )


# Kept beside the digests of a re-plan's inputs: the sessions marked missed when it was made.
MISSED_KEY = "missed"


def _stored_replan(row: Sequence[Any]) -> StoredReplan:
    inputs = json.loads(str(row[3] or "{}"))
    missed = inputs.pop(MISSED_KEY, [])
    return StoredReplan(
        today=date.fromisoformat(str(row[0])),
        done={
            (None if name is None else str(name)): int(minutes)
            for name, minutes in json.loads(str(row[2]))
        },
        inputs={str(k): str(v) for k, v in inputs.items()},
        plan=decode_plan(str(row[1])),
        missed=frozenset(str(identity) for identity in missed),
    )


def _by_name(item: tuple[str | None, int]) -> str:
    return "" if item[0] is None else f"~{item[0]}"


def stored_replans(state_dir: Path, request: PlanRequest) -> list[StoredReplan]:
    """Every re-plan of this request that can be made again, oldest first."""
    with reading(state_dir) as db:
        rows = db.execute(
            "SELECT today, plan, done, inputs FROM replans WHERE request = ? AND done IS NOT NULL "
            "ORDER BY id",
            (request_json(request),),
        ).fetchall()
    try:
        return [_stored_replan(row) for row in rows]
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise _damaged(state_dir, "a saved re-plan", exc) from None


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
        "weekly_cap_minutes": plan.weekly_cap_minutes,
        "warnings": list(plan.warnings),
        "notes": list(plan.notes),
        "moved_for_busy": plan.moved_for_busy,
        "clashes": [session_record(s) for s in plan.clashes],
        "estimated_years": list(plan.estimated_years),
        "provisional_years": list(plan.provisional_years),
        "busy_read": [asdict(read) for read in plan.busy_read],
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
        weekly_cap_minutes=_cap_minutes(data),
        warnings=tuple(str(w) for w in data["warnings"]),
        notes=tuple(str(n) for n in data.get("notes", ())),
        engagement_rule=_engagement_rule(data.get("engagement_rule")),
        moved_for_busy=None if data.get("moved_for_busy") is None else int(data["moved_for_busy"]),
        clashes=tuple(session_from_record(s) for s in data.get("clashes", ())),
        estimated_years=tuple(str(y) for y in data.get("estimated_years", ())),
        provisional_years=tuple(str(y) for y in data.get("provisional_years", ())),
        busy_read=tuple(_busy_read(read) for read in data.get("busy_read", ())),
    )


def _cap_minutes(data: Mapping[str, Any]) -> int:
    """The weekly cap in minutes; plans saved before minutes kept it in hours."""
    if "weekly_cap_minutes" in data:
        return int(data["weekly_cap_minutes"])
    return round(float(data["weekly_cap"]) * 60)


def _busy_read(value: dict[str, Any]) -> BusyCalendarRead:
    file = str(value["file"])
    counts = {key: int(v) for key, v in value.items() if key != "file"}
    return BusyCalendarRead(file, **counts)


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
        "minutes": session.minutes,
        "fixed": session.fixed,
        "provenance": session.provenance,
        "location": session.location,
        "if_missed": session.if_missed.value if session.if_missed else None,
        "counts_for_engagement": session.counts_for_engagement,
        "catch_up": session.catch_up,
        "moved_off_busy": session.moved_off_busy,
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
        minutes=_session_minutes(data),
        fixed=bool(data["fixed"]),
        provenance=str(data["provenance"]),
        location=None if data["location"] is None else str(data["location"]),
        if_missed=IfMissed(data["if_missed"]) if data.get("if_missed") else None,
        counts_for_engagement=bool(data.get("counts_for_engagement", True)),
        catch_up=bool(data.get("catch_up", False)),
        moved_off_busy=bool(data.get("moved_off_busy", False)),
    )


def _session_minutes(data: Mapping[str, Any]) -> int:
    """A session's minutes; sessions saved before minutes kept hours."""
    if "minutes" in data:
        return int(data["minutes"])
    return round(float(data["hours"]) * 60)


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


# -- calendar syncs ---------------------------------------------------------------------------


def synced_events(state_dir: Path, calendar: str) -> list[SyncedEvent]:
    """What the syncs into this calendar (its address) wrote and the server acknowledged."""
    if not exists(state_dir):
        return []
    with reading(state_dir) as db:
        rows = db.execute(
            "SELECT uid, href, etag, fingerprint, sequence, modified, session "
            "FROM synced_events WHERE calendar = ? ORDER BY uid",
            (calendar,),
        ).fetchall()
    try:
        return [
            SyncedEvent(
                ExportedEvent(
                    uid=str(uid),
                    fingerprint=str(fingerprint),
                    sequence=int(sequence),
                    modified=datetime.fromisoformat(modified) if modified else None,
                    session=session_from_record(json.loads(session)),
                ),
                href=str(href),
                etag=str(etag),
            )
            for uid, href, etag, fingerprint, sequence, modified, session in rows
        ]
    except (ValueError, KeyError, TypeError) as exc:
        raise _damaged(state_dir, f"the record of syncs to {calendar}", exc) from None


def remember_synced(
    state_dir: Path, calendar: str, written: Iterable[SyncedEvent], removed: Iterable[str]
) -> None:
    """Record, in one transaction, events the server acknowledged writing (by UID, replacing
    what was known of them) and events it acknowledged removing, or that are gone."""
    rows = [
        (
            calendar,
            synced.event.uid,
            synced.href,
            synced.etag,
            synced.event.fingerprint,
            synced.event.sequence,
            synced.event.modified.isoformat() if synced.event.modified else None,
            json.dumps(session_record(synced.event.session), sort_keys=True, ensure_ascii=False),
        )
        for synced in written
    ]
    gone = [(calendar, uid) for uid in removed]
    if not rows and not gone:
        return
    with connect(state_dir) as db, transaction(db):
        db.executemany("DELETE FROM synced_events WHERE calendar = ? AND uid = ?", gone)
        db.executemany(
            "INSERT INTO synced_events "
            "(calendar, uid, href, etag, fingerprint, sequence, modified, session) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (calendar, uid) DO UPDATE SET "
            "href = excluded.href, etag = excluded.etag, fingerprint = excluded.fingerprint, "
            "sequence = excluded.sequence, modified = excluded.modified, "
            "session = excluded.session",
            rows,
        )


def pins(state_dir: Path, request: PlanRequest) -> dict[str, Pin]:
    """Sessions of this plan (its programme and start) the person moved and chose to keep."""
    if not exists(state_dir):
        return {}
    with reading(state_dir) as db:
        rows = db.execute(
            "SELECT identity, day, time FROM pinned_sessions WHERE programme = ? AND start = ?",
            (request.programme, request.start),
        ).fetchall()
    try:
        return {
            str(identity): Pin(str(identity), date.fromisoformat(str(day)), _unclock(clock))
            for identity, day, clock in rows
        }
    except ValueError as exc:
        raise _damaged(state_dir, "a session you moved", exc) from None


def save_pins(state_dir: Path, request: PlanRequest, chosen: Iterable[Pin]) -> None:
    rows = [
        (request.programme, request.start, pin.identity, pin.day.isoformat(), _clock(pin.start))
        for pin in chosen
    ]
    with connect(state_dir) as db, transaction(db):
        db.executemany(
            "INSERT INTO pinned_sessions (programme, start, identity, day, time) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (programme, start, identity) DO UPDATE SET "
            "day = excluded.day, time = excluded.time",
            rows,
        )
