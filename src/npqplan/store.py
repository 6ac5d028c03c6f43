"""The user's state in one SQLite file: the current plan, with a versioned schema."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from npqplan.errors import StateError

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
)


def database_path(state_dir: Path) -> Path:
    return state_dir / DATABASE_NAME


@contextmanager
def connect(state_dir: Path) -> Iterator[sqlite3.Connection]:
    """An open, migrated connection; WAL and a busy timeout let parallel commands queue."""
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(
            database_path(state_dir), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
        )
    except (OSError, sqlite3.Error) as exc:
        raise StateError(f"cannot open the state folder {state_dir}: {exc}") from None
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
        _migrate(connection)
        yield connection
    except sqlite3.DatabaseError as exc:
        raise StateError(
            f"the state file {database_path(state_dir)} cannot be used ({exc})"
        ) from None
    finally:
        connection.close()


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


def _migrate(connection: sqlite3.Connection) -> None:
    with transaction(connection):
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        if version > len(MIGRATIONS):
            raise StateError(
                f"the state file was written by a newer npqplan (schema {version}); upgrade npqplan"
            )
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in script.split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {number}")


def save_current_request(connection: sqlite3.Connection, request_json: str) -> None:
    with transaction(connection):
        connection.execute(
            "INSERT INTO current_plan (id, request) VALUES (1, ?) "
            "ON CONFLICT (id) DO UPDATE SET request = excluded.request",
            (request_json,),
        )


def current_request(connection: sqlite3.Connection) -> str | None:
    row = connection.execute("SELECT request FROM current_plan WHERE id = 1").fetchone()
    return str(row[0]) if row else None


def logged_hours_by_day(connection: sqlite3.Connection) -> dict[str, float]:
    """Hours logged per ISO day, for reports that compare what was done with the plan."""
    rows = connection.execute("SELECT day, SUM(hours) FROM log_entries GROUP BY day ORDER BY day")
    return {str(day): float(hours) for day, hours in rows}
