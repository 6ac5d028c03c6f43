"""The one way npqplan writes hours, dates and a session for people. Plain text, no rich."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date, time

from npqplan.plan import BusyCalendarRead, Session
from npqplan.schema import Programme


def round_hours(hours: float) -> float:
    """Hours for people and JSON: two decimals, no float noise."""
    return math.floor(hours * 100 + 0.5) / 100


def hours_text(hours: float) -> str:
    """Hours as people write them: 2, 1.5, 0.25, 1.17."""
    return f"{round_hours(hours):g}"


def duration_text(minutes: int) -> str:
    """`1.5 h` for quarter hours, as every plan had; `50 min` or `1 h 5 min` for the rest."""
    if minutes % 15 == 0:
        return f"{hours_text(minutes / 60)} h"
    whole, rest = divmod(minutes, 60)
    return f"{whole} h {rest} min" if whole else f"{rest} min"


def clock_text(value: time | None) -> str | None:
    """`16:30`, or None for an all-day session."""
    return value.isoformat(timespec="minutes") if value else None


def day_text(day: date, *, weekday: bool = False, year: bool = True) -> str:
    """`2 Sep 2024`; with `weekday`, `Mon 2 Sep 2024`; without `year`, `2 Sep`."""
    text = f"{day.day} {day:%b}"
    if year:
        text += f" {day.year}"
    return f"{day:%a} {text}" if weekday else text


def describe_session(session: Session) -> str:
    """`Tue 3 Sep 16:30–17:00  Learning journal (0.5 h)` or `Thu 24 Oct – Fri 25 Oct  ...`."""
    day = day_text(session.day, weekday=True, year=False)
    if session.all_day:
        if session.end_date != session.day:
            when = f"{day} – {day_text(session.end_date, weekday=True, year=False)}"
        else:
            when = f"{day}, all day"
    else:
        when = f"{day} {clock_text(session.start)}–{clock_text(session.end)}"
    marker = " [fixed]" if session.fixed else ""
    return f"{when}  {session.component} ({duration_text(session.minutes)}){marker}"


def unsure_years_text(estimated: Sequence[str], provisional: Sequence[str]) -> str:
    """What a plan's term dates rest on where they are not firm, or "" where they are."""
    parts = []
    if estimated:
        parts.append(f"estimated term dates for {', '.join(estimated)}")
    if provisional:
        parts.append(f"provisional term dates for {', '.join(provisional)}")
    return "; ".join(parts)


def busy_read_text(read: BusyCalendarRead) -> str:
    """`214 times from my.ics; 3 all-day events marked free were not counted`."""
    left_out = [
        (read.free_all_day, "all-day event", "marked free"),
        (read.free, "event", "marked free"),
        (read.cancelled, "cancelled event", ""),
        (read.without_start, "event", "without a start (DTSTART)"),
        (read.not_followed, "event", "repeating by week number or by the hour, not followed"),
    ]
    parts = [
        f"{count} {what}{'s' if count != 1 else ''}{' ' + why if why else ''}"
        for count, what, why in left_out
        if count
    ]
    text = f"{read.times} time{'s' if read.times != 1 else ''} from {read.file}"
    if parts:
        skipped = sum(count for count, _, _ in left_out)
        text += f"; {', '.join(parts)} {'were' if skipped != 1 else 'was'} not counted"
    return text


# A programme file of ours (`npqel.yaml`), and a stored copy of a source (`reference/x.md`,
# `004_5abb8a1f06c7ce2d.txt`): names people would never be able to open.
_PROGRAMME_FILE = re.compile(r"\b(?:[\w-]+/)*([a-z0-9][a-z0-9-]*)\.yaml\b")
_STORED_FILE = re.compile(r"\b(?:[\w-]+/)*([\w.-]+\.(?:md|txt))\b")
STORED_SOURCE = "npqplan's notes on the DfE and provider pages"


def for_people(
    text: str, titles: Mapping[str, str] | None = None, *, every_name: bool = False
) -> str:
    """`text` with our file names swapped for what people can look up: a programme file by the
    programme's id, a stored source by its title (from `titles`, doc name -> title); with
    `every_name`, every cited document's name too (where no list of sources is beside it)."""
    known = titles or {}
    if every_name:
        for name, title in sorted(known.items(), key=lambda pair: -len(pair[0])):
            named = re.compile(rf"(?<![\w./-]){re.escape(name)}(?![\w-])")
            text = named.sub(title.replace("\\", "\\\\"), text)

    def stored(match: re.Match[str]) -> str:
        return known.get(match[1]) or STORED_SOURCE

    text = _PROGRAMME_FILE.sub(lambda match: f"the bundled {match[1]} programme", text)
    return _STORED_FILE.sub(stored, text)


def source_titles(programme: Programme) -> dict[str, str]:
    """Each cited document's name -> its title, to name it in words people can look up."""
    return {source.doc: source.title for source in programme.sources}


def article(number: int) -> str:
    """`a` or `an` before a number said aloud: an 8-day window, an 11-day one, a 7-day one."""
    spoken = str(number)
    return "an" if spoken.startswith("8") or spoken in ("11", "18") else "a"
