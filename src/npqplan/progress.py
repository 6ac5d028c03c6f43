"""The study log and stored re-plans in the state file, and the progress figures they give."""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from npqplan import store
from npqplan.errors import UsageError
from npqplan.plan import Plan, Session, Week

MAX_HOURS_PER_DAY = 24.0
MAX_NOTE_LENGTH = 500
ENGAGEMENT_THRESHOLD = 0.9
NEXT_DAYS = 14
_HOURS = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


# -- the log --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogEntry:
    """Study someone did: hours on a day, optionally against one component of the plan."""

    id: int
    day: date
    hours: float
    component: str | None
    note: str | None


def parse_hours(text: str) -> float:
    """Quarter hours above 0 and at most 24, written as a plain number like 1.5."""
    if text.startswith("--"):
        raise UsageError(f"no such option: {text}; see 'npqplan log --help'")
    if not _HOURS.match(text):
        raise UsageError(f"HOURS {text!r}: give a number of hours, like 1.5")
    hours = float(text)
    if hours <= 0:
        raise UsageError(f"HOURS {text}: log more than 0 hours")
    if hours > MAX_HOURS_PER_DAY:
        raise UsageError(f"HOURS {text}: a day has only {MAX_HOURS_PER_DAY:g} hours")
    if round(hours * 4) != hours * 4:
        raise UsageError(f"HOURS {text}: give quarter hours, like 0.25, 0.5 or 1.75")
    return hours


def check_note(note: str | None) -> str | None:
    if note is None:
        return None
    if len(note) > MAX_NOTE_LENGTH:
        raise UsageError(f"--note: keep a note to {MAX_NOTE_LENGTH} characters")
    return note.strip() or None


def component_names(plan: Plan) -> list[str]:
    """Each component's name once, in the order the plan first meets it."""
    return list(dict.fromkeys(session.component for session in plan.sessions))


def match_component(text: str, plan: Plan) -> str:
    """The plan's own spelling of a component named in any case, or a did-you-mean error."""
    names = component_names(plan)
    wanted = text.strip().casefold()
    for name in names:
        if name.casefold() == wanted:
            return name
    scored = [(_likeness(wanted, name), name) for name in names]
    best = max(scored, key=lambda pair: pair[0], default=(0.0, ""))
    hint = f"did you mean {best[1]!r}? " if best[0] >= SUGGEST_FROM else ""
    raise UsageError(
        f"--component {text!r}: your plan has no such component; {hint}"
        f"it has {', '.join(repr(name) for name in names)}"
    )


SUGGEST_FROM = 0.75


def _likeness(wanted: str, name: str) -> float:
    """How close a typed name is to a component: to its whole name or any one of its words."""
    folded = name.casefold()
    if len(wanted) >= 3 and wanted in folded:
        return 1.0
    words = re.findall(r"\w+", folded)
    return max(
        difflib.SequenceMatcher(None, wanted, candidate).ratio() for candidate in [folded, *words]
    )


def check_log_day(day: date, plan: Plan, today: date) -> None:
    if not plan.start <= day <= plan.end:
        raise UsageError(
            f"--on {day.isoformat()}: outside your plan, which runs from "
            f"{plan.start.isoformat()} to {plan.end.isoformat()}"
        )
    if day > today:
        raise UsageError(
            f"--on {day.isoformat()}: that is after today ({today.isoformat()}); "
            "log study once you have done it"
        )


def add_entry(
    connection: sqlite3.Connection,
    day: date,
    hours: float,
    component: str | None,
    note: str | None,
) -> LogEntry:
    """Insert one entry; the day's total is checked inside the same write transaction."""
    with store.transaction(connection):
        row = connection.execute(
            "SELECT COALESCE(SUM(hours), 0) FROM log_entries WHERE day = ?", (day.isoformat(),)
        ).fetchone()
        already = float(row[0])
        if already + hours > MAX_HOURS_PER_DAY:
            raise UsageError(
                f"{day.isoformat()} already has {already:g} h logged; another {hours:g} h "
                f"would make more than {MAX_HOURS_PER_DAY:g} h in one day"
            )
        cursor = connection.execute(
            "INSERT INTO log_entries (day, hours, component, note) VALUES (?, ?, ?, ?)",
            (day.isoformat(), hours, component, note),
        )
        entry_id = cursor.lastrowid
    assert entry_id is not None
    return LogEntry(entry_id, day, hours, component, note)


def _entry(row: Sequence[Any]) -> LogEntry:
    return LogEntry(
        id=int(row[0]),
        day=date.fromisoformat(str(row[1])),
        hours=float(row[2]),
        component=None if row[3] is None else str(row[3]),
        note=None if row[4] is None else str(row[4]),
    )


def entries(connection: sqlite3.Connection) -> list[LogEntry]:
    rows = connection.execute(
        "SELECT id, day, hours, component, note FROM log_entries ORDER BY day, id"
    )
    return [_entry(row) for row in rows]


def read_entries(state_dir: Path) -> list[LogEntry]:
    """Every entry, or none when there is no state file yet (without making one)."""
    if not store.database_path(state_dir).exists():
        return []
    with store.connect(state_dir) as connection:
        return entries(connection)


def parse_entry_id(text: str) -> int:
    if not text.isdigit() or int(text) == 0:
        raise UsageError(f"--undo {text!r}: give an entry id from 'npqplan log --list', like 3")
    return int(text)


def remove_entry(connection: sqlite3.Connection, entry_id: int) -> LogEntry:
    with store.transaction(connection):
        row = connection.execute(
            "SELECT id, day, hours, component, note FROM log_entries WHERE id = ?", (entry_id,)
        ).fetchone()
        if row is None:
            raise UsageError(f"--undo {entry_id}: no such entry; see 'npqplan log --list'")
        connection.execute("DELETE FROM log_entries WHERE id = ?", (entry_id,))
    return _entry(row)


# -- stored re-plans ------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredReplan:
    today: date
    plan: Plan


def save_replan(
    connection: sqlite3.Connection, request_json: str, base: str, today: date, plan: Plan
) -> None:
    """Keep a re-plan for this request, made from the scheduled plan whose fingerprint is `base`."""
    with store.transaction(connection):
        connection.execute(
            "INSERT INTO replans (request, base, today, plan) VALUES (?, ?, ?, ?)",
            (request_json, base, today.isoformat(), plan_to_json(plan)),
        )


def stored_replan(
    connection: sqlite3.Connection, request_json: str, base: str
) -> StoredReplan | None:
    """The latest re-plan of this request made from the same scheduled plan, if any."""
    row = connection.execute(
        "SELECT today, plan FROM replans WHERE request = ? AND base = ? ORDER BY id DESC LIMIT 1",
        (request_json, base),
    ).fetchone()
    if row is None:
        return None
    return StoredReplan(date.fromisoformat(str(row[0])), plan_from_json(str(row[1])))


def plan_to_json(plan: Plan) -> str:
    """Every field of a plan, so a stored re-plan comes back exactly as it was saved."""
    data = {
        "programme_id": plan.programme_id,
        "title": plan.title,
        "provider": plan.provider,
        "start": plan.start.isoformat(),
        "taught_end": plan.taught_end.isoformat(),
        "end": plan.end.isoformat(),
        "target": list(plan.target),
        "calendar": plan.calendar,
        "declared_total": plan.declared_total,
        "weekly_cap": plan.weekly_cap,
        "warnings": list(plan.warnings),
        "weeks": [
            {
                "week_start": week.week_start.isoformat(),
                "label": week.label,
                "holiday": week.holiday,
                "term": week.term,
                "sessions": [s.to_record() for s in week.sessions],
            }
            for week in plan.weeks
        ],
    }
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def plan_from_json(text: str) -> Plan:
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
        calendar=str(data["calendar"]),
        weeks=tuple(
            Week(
                week_start=date.fromisoformat(week["week_start"]),
                label=str(week["label"]),
                holiday=bool(week["holiday"]),
                term=None if week["term"] is None else str(week["term"]),
                sessions=tuple(Session.from_record(s) for s in week["sessions"]),
            )
            for week in data["weeks"]
        ),
        declared_total=None if data["declared_total"] is None else float(data["declared_total"]),
        weekly_cap=float(data["weekly_cap"]),
        warnings=tuple(str(w) for w in data["warnings"]),
    )


def plan_fingerprint(plan: Plan) -> str:
    """Which scheduled plan a re-plan was made from: a digest of all its fields."""
    return hashlib.sha256(plan_to_json(plan).encode("utf-8")).hexdigest()


# -- progress figures -----------------------------------------------------------------------


@dataclass(frozen=True)
class ComponentProgress:
    name: str
    done_hours: float
    planned_to_date: float
    total_hours: float


@dataclass(frozen=True)
class BurnUpPoint:
    """Cumulative hours at the end of one plan week; `done_hours` is None for weeks to come."""

    week_start: date
    planned_hours: float
    done_hours: float | None


@dataclass(frozen=True)
class Progress:
    """Where someone stands on `today`. See `progress()` for what each figure means."""

    today: date
    done_hours: float
    planned_hours_to_date: float
    total_hours: float
    scheduled_hours_to_date: float
    pace: float
    components: tuple[ComponentProgress, ...]
    unattributed_hours: float
    burn_up: tuple[BurnUpPoint, ...]
    next_sessions: tuple[Session, ...]
    replanned_on: date | None = None

    @property
    def behind_hours(self) -> float:
        return max(0.0, self.planned_hours_to_date - self.done_hours)

    @property
    def ahead_hours(self) -> float:
        return max(0.0, self.done_hours - self.planned_hours_to_date)

    @property
    def behind_weeks(self) -> float:
        return self.behind_hours / self.pace if self.pace else 0.0

    @property
    def ahead_weeks(self) -> float:
        return self.ahead_hours / self.pace if self.pace else 0.0

    @property
    def engagement(self) -> float | None:
        """Done over scheduled to date, at most 1; None while nothing has been due yet."""
        if self.scheduled_hours_to_date <= 0:
            return None
        return min(1.0, self.done_hours / self.scheduled_hours_to_date)

    @property
    def engagement_ok(self) -> bool:
        engagement = self.engagement
        return engagement is None or engagement >= ENGAGEMENT_THRESHOLD


def is_due(session: Session, today: date) -> bool:
    """A session is due once its day has begun before today; today's are still to do."""
    return session.day < today


def done_by_component(entries: Iterable[LogEntry], today: date) -> dict[str | None, float]:
    """Hours logged up to and including `today`, by component (None: logged without one)."""
    done: dict[str | None, float] = defaultdict(float)
    for entry in entries:
        if entry.day <= today:
            done[entry.component] += entry.hours
    return dict(done)


def progress(
    plan: Plan,
    scheduled: Plan,
    entries: Sequence[LogEntry],
    today: date,
    replanned_on: date | None = None,
) -> Progress:
    """The figures `npqplan status` shows, from the current plan and the log.

    - Done: hours logged on or before `today`.
    - Planned to date: hours of the current plan's sessions that began before `today`.
    - Behind/ahead: the gap between the two, in hours and in weeks at the plan's average pace
      (its total hours over its number of weeks).
    - Engagement: done over the hours the plan *as scheduled* had due by `today`, at most 100%:
      a re-plan moves work later, it does not lower what engagement is measured against.
    """
    done = done_by_component(entries, today)
    due = [s for s in plan.sessions if is_due(s, today)]
    planned_by_name: dict[str, float] = defaultdict(float)
    total_by_name: dict[str, float] = defaultdict(float)
    for session in plan.sessions:
        total_by_name[session.component] += session.hours
    for session in due:
        planned_by_name[session.component] += session.hours
    names = component_names(plan)
    names += sorted(name for name in done if name is not None and name not in total_by_name)
    components = tuple(
        ComponentProgress(
            name, done.get(name, 0.0), planned_by_name.get(name, 0.0), total_by_name.get(name, 0.0)
        )
        for name in names
    )
    weeks = len(plan.weeks)
    return Progress(
        today=today,
        done_hours=sum(done.values()),
        planned_hours_to_date=sum(s.hours for s in due),
        total_hours=plan.total_hours,
        scheduled_hours_to_date=sum(s.hours for s in scheduled.sessions if is_due(s, today)),
        pace=plan.total_hours / weeks if weeks else 0.0,
        components=components,
        unattributed_hours=done.get(None, 0.0),
        burn_up=burn_up(plan, entries, today),
        next_sessions=tuple(
            s for s in plan.sessions if today <= s.day < today + timedelta(days=NEXT_DAYS)
        ),
        replanned_on=replanned_on,
    )


def burn_up(plan: Plan, entries: Sequence[LogEntry], today: date) -> tuple[BurnUpPoint, ...]:
    """Cumulative planned and done hours at the end of each plan week."""
    points: list[BurnUpPoint] = []
    planned = 0.0
    logged = sorted((e.day, e.hours) for e in entries if e.day <= today)
    done = 0.0
    index = 0
    for week in plan.weeks:
        planned += week.hours
        if week.week_start > today:
            points.append(BurnUpPoint(week.week_start, planned, None))
            continue
        while index < len(logged) and logged[index][0] <= week.week_end:
            done += logged[index][1]
            index += 1
        points.append(BurnUpPoint(week.week_start, planned, done))
    return tuple(points)


def round_hours(hours: float) -> float:
    """Hours for people and JSON: two decimals, no float noise."""
    return math.floor(hours * 100 + 0.5) / 100
