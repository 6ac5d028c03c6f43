"""A person's own calendar file (iCalendar) -> the times they are busy between two dates, in
England's local time, read within bounds.

Teachers' evenings hold parents' evenings, governors' meetings and clubs. An export of their
calendar (Google, Outlook, Apple) is read line by line; only events that can touch the plan's
dates are looked at closely, and a repeating event (RRULE, RDATE, EXDATE, moved occurrences with
RECURRENCE-ID) is followed only across those dates, in its own time zone, so a calendar costs
time in proportion to its size and a rule cannot run for ever. Events marked free
(TRANSP:TRANSPARENT) or cancelled are not busy time; an event with no start (DTSTART) cannot be
placed. Each is counted, so the person can see what was read (`BusyCalendarRead`).

Bounds (README, "Your own calendar"): at most MOST_TIMES_PER_EVENT times from one event and
MOST_TIMES from one file in the plan's dates, MOST_TIMES_A_DAY from one rule in a day; a rule
that repeats every hour, minute or second needs COUNT or UNTIL; INTERVAL is at least 1; a time
zone's own rules repeat yearly and its offsets stay within 18 hours.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from npqplan.errors import InvalidFileError
from npqplan.icsfile import read_calendar_text
from npqplan.plan import BusyCalendarRead, BusyTime

ENGLAND = ZoneInfo("Europe/London")
# A whole personal calendar exported over years is far larger than a programme file.
MAX_CALENDAR_BYTES = 16 * 1024 * 1024
MOST_TIMES_PER_EVENT = 5_000
MOST_TIMES = 100_000
MOST_TIMES_A_DAY = 24
# A rule with COUNT is counted from its first day; this far back it is followed, no further.
MOST_DAYS_FOLLOWED = 100_000
MOST_ZONE_PARTS = 20
MOST_ZONE_HOURS = 18
MIDNIGHT = time(0, 0)

_WANTED = frozenset(
    {"UID", "SUMMARY", "DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE",
     "RECURRENCE-ID", "TRANSP", "STATUS"}
)  # fmt: skip
_NAME = re.compile(r"[A-Za-z0-9-]+")
_PARAMETER = re.compile(r';([A-Za-z0-9-]+)=((?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*)')
_MOMENT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$")
_OFFSET = re.compile(r"^([+-])(\d{2})(\d{2})(\d{2})?$")
_DURATION = re.compile(r"^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")
_WEEKDAY = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
_BY_DAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_SUB_DAILY = {"SECONDLY": 1, "MINUTELY": 60, "HOURLY": 3600}
_EVERY = {"SECONDLY": "every second", "MINUTELY": "every minute", "HOURLY": "every hour"}
_FREQUENCIES = frozenset({*_SUB_DAILY, "DAILY", "WEEKLY", "MONTHLY", "YEARLY"})
_RANGES = {
    "BYSECOND": (0, 60, False), "BYMINUTE": (0, 59, False), "BYHOUR": (0, 23, False),
    "BYMONTHDAY": (1, 31, True), "BYYEARDAY": (1, 366, True), "BYWEEKNO": (1, 53, True),
    "BYMONTH": (1, 12, False), "BYSETPOS": (1, 366, True),
}  # fmt: skip

Moment = date | datetime


@dataclass(frozen=True)
class BusyReading:
    """What one calendar file holds in the plan's dates: its busy times and what was read."""

    times: frozenset[BusyTime]
    summary: BusyCalendarRead


def read_busy_calendar(
    path: Path, first: date, last: date, display: str | None = None
) -> BusyReading:
    """Every busy stretch in `path` between `first` and `last`, split at midnight, and a count of
    what was read and left out; InvalidFileError (one located line) when it cannot be read."""
    shown = display or str(path)
    text = read_calendar_text(path, shown, MAX_CALENDAR_BYTES)
    events, zones = _components(text, shown)
    reader = _Reader(shown, first, last, zones)
    return BusyReading(frozenset(reader.read(events)), reader.summary(path.name))


def read_busy_times(
    path: Path, first: date, last: date, display: str | None = None
) -> frozenset[BusyTime]:
    """Every busy stretch in `path` between `first` and `last`, split at midnight."""
    return read_busy_calendar(path, first, last, display).times


# -- the file's lines -------------------------------------------------------------------------


@dataclass
class _VEvent:
    line: int
    lines: dict[str, list[str]] = field(default_factory=dict)

    def first(self, name: str) -> str | None:
        found = self.lines.get(name)
        return found[0] if found else None


def _components(text: str, shown: str) -> tuple[list[_VEvent], dict[str, list[str]]]:
    """The calendar's events (the lines npqplan uses) and its time zones (all their lines)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    opening = next((line for line in lines if line.strip()), "")
    if opening.strip().upper() != "BEGIN:VCALENDAR":
        raise InvalidFileError(
            [f"{shown}: not a calendar file that can be read: an ICS file begins with "
             "BEGIN:VCALENDAR"]
        )  # fmt: skip
    events: list[_VEvent] = []
    zones: dict[str, list[str]] = {}
    stack: list[tuple[str, int]] = []
    event: _VEvent | None = None
    zone: list[str] | None = None
    for number, line in enumerate(lines, 1):
        head = line[:6]
        if head == "BEGIN:" or head.upper() == "BEGIN:":
            name = line[6:].strip().upper()
            stack.append((name, number))
            if len(stack) == 2 and name == "VEVENT":
                event = _VEvent(number)
            elif len(stack) == 2 and name == "VTIMEZONE":
                zone = []
        elif head[:4] == "END:" or head[:4].upper() == "END:":
            name = line[4:].strip().upper()
            if not stack or stack[-1][0] != name:
                opened = f"BEGIN:{stack[-1][0]} of line {stack[-1][1]}" if stack else "nothing"
                raise InvalidFileError(
                    [f"{shown}:{number}: END:{_quote(name)} closes {opened}; the file is cut "
                     "short or damaged"]
                )  # fmt: skip
            stack.pop()
            if len(stack) == 1 and event is not None and name == "VEVENT":
                events.append(event)
                event = None
            elif len(stack) == 1 and zone is not None and name == "VTIMEZONE":
                zone.append(line)
                tzid = next((z.partition(":")[2] for z in zone if _name_of(z) == "TZID"), "")
                zones.setdefault(tzid.strip(), zone)
                zone = None
                continue
        if zone is not None:
            zone.append(line)
        elif event is not None and len(stack) == 2:
            name = _name_of(line)
            if name in _WANTED:
                event.lines.setdefault(name, []).append(line)
    if stack:
        raise InvalidFileError(
            [f"{shown}: BEGIN:{_quote(stack[-1][0])} of line {stack[-1][1]} is never closed; "
             "the file is cut short"]
        )  # fmt: skip
    return events, zones


def _name_of(line: str) -> str:
    colon = line.find(":")
    cut = line.find(";", 0, colon) if colon > 0 else -1
    return line[: cut if cut > 0 else max(colon, 0)].upper()


@dataclass(frozen=True)
class _Property:
    name: str
    parameters: dict[str, str]
    value: str


def _property(line: str) -> _Property | None:
    """A content line's name, parameters and value; None when it is not one."""
    found = _NAME.match(line)
    if not found:
        return None
    parameters: dict[str, str] = {}
    at = found.end()
    while at < len(line) and line[at] == ";":
        parameter = _PARAMETER.match(line, at)
        if not parameter:
            return None
        parameters[parameter[1].upper()] = parameter[2].strip('"')
        at = parameter.end()
    if at >= len(line) or line[at] != ":":
        return None
    return _Property(found[0].upper(), parameters, line[at + 1 :])


def _text(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: " " if m[1] in "nN" else m[1], value).strip()


def _quote(text: str, most: int = 80) -> str:
    """Text from the file as a message may show it: short, every control character escaped."""
    shown = text if len(text) <= most else text[:most] + "…"
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in shown)


# -- reading ----------------------------------------------------------------------------------


class _Refused(Exception):
    """An event npqplan will not follow: the reason ends the whole reading."""


class _NotFollowed(Exception):
    """A valid rule npqplan does not follow (BYWEEKNO): the event is counted, not read."""


@dataclass
class _Counts:
    events: int = 0
    free: int = 0
    free_all_day: int = 0
    cancelled: int = 0
    undated: int = 0
    not_followed: int = 0


@dataclass(frozen=True)
class _Rule:
    text: str
    frequency: str
    interval: int
    count: int | None
    until: Moment | None
    by: dict[str, tuple[int, ...]]
    weekdays: frozenset[int]
    ordinal_days: frozenset[tuple[int, int]]
    week_start: int


class _Reader:
    def __init__(self, shown: str, first: date, last: date, zones: dict[str, list[str]]) -> None:
        self.shown = shown
        self.first = first
        self.last = last
        self.zone_lines = zones
        self.zones: dict[str, tzinfo | None] = {}
        self.counts = _Counts()
        self.times: set[BusyTime] = set()

    def summary(self, name: str) -> BusyCalendarRead:
        c = self.counts
        return BusyCalendarRead(
            name, len(self.times), c.events, c.free, c.free_all_day, c.cancelled, c.undated,
            c.not_followed,
        )  # fmt: skip

    def read(self, events: list[_VEvent]) -> set[BusyTime]:
        moved: dict[str, list[_VEvent]] = {}
        for event in events:
            if "RECURRENCE-ID" in event.lines:
                moved.setdefault(_uid(event), []).append(event)
        for event in events:
            self.counts.events += 1
            if "DTSTART" not in event.lines:
                self.counts.undated += 1
                continue
            own = "RECURRENCE-ID" in event.lines
            try:
                self._add(event, [] if own else moved.get(_uid(event), []))
            except _NotFollowed:
                self.counts.not_followed += 1
            except _Refused as reason:
                raise InvalidFileError([f"{self.shown}:{event.line}: {reason}"]) from None
        return self.times

    # -- one event ----------------------------------------------------------------------------

    def _add(self, event: _VEvent, moves: list[_VEvent]) -> None:
        """The event's busy times; `moves` are its occurrences moved elsewhere (RECURRENCE-ID)."""
        if self._far_away(event):
            return
        start = self._moment(event, "DTSTART")
        all_day = not isinstance(start, datetime)
        if _text(self._value(event, "STATUS") or "").upper() == "CANCELLED":
            self.counts.cancelled += 1
            return
        if _text(self._value(event, "TRANSP") or "").upper() == "TRANSPARENT":
            self.counts.free += not all_day
            self.counts.free_all_day += all_day
            return
        length = self._length(event, start)
        rules = [self._rule(event, line) for line in event.lines.get("RRULE", [])]
        lo = date.fromordinal(max(1, self.first.toordinal() - length.days - 2))
        hi = date.fromordinal(min(date.max.toordinal(), self.last.toordinal() + 2))
        if not rules and "RDATE" not in event.lines:
            if _day(start) <= hi and _day(_end(start, length)) >= lo:
                self._busy(start, length)
            return
        # DTSTART is the first time, unless every rule with an UNTIL has ended before it.
        untils = [rule.until for rule in rules if rule.until is not None]
        ended = bool(untils) and all(_after(start, until) for until in untils)
        starts: set[Moment] = set() if ended else {start}
        for rule in rules:
            starts.update(self._follow(event, rule, start, lo, hi))
        for line in event.lines.get("RDATE", []):
            for value, own_length in self._rdates(event, line):
                if lo <= _day(value) <= hi:
                    if own_length is None:
                        starts.add(value)
                    else:
                        self._busy(value, own_length)
        exdates = list(self._exdates(event))
        skipped = {_instant(m) for m in exdates}
        skipped |= {_instant(self._moment(other, "RECURRENCE-ID")) for other in moves}
        skipped_days = {m for m in exdates if not isinstance(m, datetime)}
        kept = [
            moment
            for moment in starts
            if lo <= _day(moment) <= hi
            and _instant(moment) not in skipped
            and _day(moment) not in skipped_days
        ]
        if len(kept) > MOST_TIMES_PER_EVENT:
            raise _Refused(self._too_many(event, rules))
        for moment in kept:
            self._busy(moment, length)

    def _far_away(self, event: _VEvent) -> bool:
        """A single event that plainly ends before the plan or starts after it: the date in
        its DTSTART and DTEND lines is enough, and most of a calendar's years are that."""
        if {"RRULE", "RDATE", "DURATION"} & event.lines.keys():
            return False
        start, end = _rough_day(event.first("DTSTART")), _rough_day(event.first("DTEND"))
        if start is None or ("DTEND" in event.lines and end is None):
            return False
        last = end or start
        return start > self.last + timedelta(days=2) or last < self.first - timedelta(days=2)

    def _too_many(self, event: _VEvent, rules: list[_Rule]) -> str:
        rule = f" ({_quote('RRULE:' + rules[0].text)})" if rules else ""
        return (
            f"the event {_label(event)} happens more than {MOST_TIMES_PER_EVENT:,} times "
            f"between {self.first} and {self.last}{rule}; at most {MOST_TIMES_PER_EVENT:,} are "
            "read from one event"
        )

    def _busy(self, start: Moment, length: timedelta) -> None:
        for busy in _times(start, length, self.first, self.last):
            self.times.add(busy)
        if len(self.times) > MOST_TIMES:
            raise InvalidFileError(
                [f"{self.shown}: more than {MOST_TIMES:,} busy times between {self.first} and "
                 f"{self.last}; at most {MOST_TIMES:,} are read from one calendar: export only "
                 "the calendar (or the months) that the plan should keep off"]
            )  # fmt: skip

    # -- values -------------------------------------------------------------------------------

    def _value(self, event: _VEvent, name: str) -> str | None:
        line = event.first(name)
        if line is None:
            return None
        found = _property(line)
        if found is None:
            raise _Refused(f"the event {_label(event)} has a {name} line that cannot be read")
        return found.value

    def _moment(self, event: _VEvent, name: str) -> Moment:
        line = event.first(name)
        found = _property(line) if line is not None else None
        moment = None if found is None else self._parse_moment(found.value, found.parameters)
        if found is None or moment is None:
            shown = f" ({_quote(line)})" if line else ""
            raise _Refused(f"the event {_label(event)} has a {name} that cannot be read{shown}")
        return moment

    def _parse_moment(self, value: str, parameters: dict[str, str]) -> Moment | None:
        found = _MOMENT.match(value.strip())
        if not found:
            return None
        try:
            day = date(int(found[1]), int(found[2]), int(found[3]))
            if found[4] is None:
                return day
            moment = datetime.combine(
                day, time(int(found[4]), int(found[5]), min(59, int(found[6])))
            )
        except ValueError:
            return None
        if found[7]:
            return moment.replace(tzinfo=UTC)
        tzid = parameters.get("TZID")
        zone = self._zone(tzid) if tzid else None
        return moment if zone is None else moment.replace(tzinfo=zone)

    def _length(self, event: _VEvent, start: Moment) -> timedelta:
        if "DTEND" in event.lines:
            end = self._moment(event, "DTEND")
            if isinstance(start, datetime) and isinstance(end, datetime):
                if start.tzinfo is not None and end.tzinfo is not None:
                    length = end - start
                else:
                    length = end.replace(tzinfo=None) - start.replace(tzinfo=None)
            elif not isinstance(start, datetime) and not isinstance(end, datetime):
                length = end - start
            else:
                length = timedelta(0)
            return max(length, timedelta(0))
        value = self._value(event, "DURATION")
        if value is not None:
            given = _duration(value)
            if given is None:
                raise _Refused(
                    f"the event {_label(event)} has a DURATION that cannot be read "
                    f"({_quote(value)})"
                )
            return max(given, timedelta(0))
        return timedelta(days=1) if not isinstance(start, datetime) else timedelta(0)

    def _rdates(self, event: _VEvent, line: str) -> Iterator[tuple[Moment, timedelta | None]]:
        found = _property(line)
        if found is None:
            raise _Refused(f"the event {_label(event)} has an RDATE that cannot be read")
        for value in found.value.split(","):
            begins, _, ends = value.partition("/")
            moment = self._parse_moment(begins, found.parameters)
            if moment is None:
                raise _Refused(
                    f"the event {_label(event)} has an RDATE that cannot be read ({_quote(value)})"
                )
            length: timedelta | None = None
            if ends:
                end = self._parse_moment(ends, found.parameters)
                if isinstance(end, datetime) and isinstance(moment, datetime):
                    length = end.replace(tzinfo=None) - moment.replace(tzinfo=None)
                else:
                    length = _duration(ends)
                if length is None:
                    raise _Refused(
                        f"the event {_label(event)} has an RDATE period that cannot be read "
                        f"({_quote(value)})"
                    )
            yield moment, length

    def _exdates(self, event: _VEvent) -> Iterator[Moment]:
        for line in event.lines.get("EXDATE", []):
            found = _property(line)
            for value in found.value.split(",") if found else ["?"]:
                moment = None if found is None else self._parse_moment(value, found.parameters)
                if moment is None:
                    raise _Refused(
                        f"the event {_label(event)} has an EXDATE that cannot be read "
                        f"({_quote(value)})"
                    )
                yield moment

    # -- rules --------------------------------------------------------------------------------

    def _rule(self, event: _VEvent, line: str) -> _Rule:
        found = _property(line)
        if found is None:
            raise _Refused(f"the event {_label(event)} has an RRULE that cannot be read")
        text = found.value.strip()
        shown = _quote("RRULE:" + text)
        parts: dict[str, str] = {}
        for part in text.split(";"):
            key, equals, value = part.partition("=")
            if not equals:
                raise _Refused(
                    f"the event {_label(event)} has a rule that cannot be read ({shown})"
                )
            parts[key.strip().upper()] = value.strip().upper()
        frequency = parts.get("FREQ", "")
        if frequency not in _FREQUENCIES:
            raise _Refused(
                f"the event {_label(event)} has a rule without a FREQ npqplan knows ({shown}); "
                "FREQ is DAILY, WEEKLY, MONTHLY or YEARLY"
            )
        interval = _whole(parts.get("INTERVAL", "1"))
        if interval is None or interval < 1:
            raise _Refused(
                f"the event {_label(event)} has INTERVAL={_quote(parts.get('INTERVAL', ''))} in "
                f"its rule ({shown}); a rule repeats every 1 or more days, weeks, months or years"
            )
        count = _whole(parts["COUNT"]) if "COUNT" in parts else None
        if "COUNT" in parts and (count is None or count < 1):
            raise _Refused(
                f"the event {_label(event)} has COUNT={_quote(parts['COUNT'], 12)} in its rule "
                f"({shown}); COUNT is a whole number from 1"
            )
        until = self._parse_moment(parts["UNTIL"], {}) if "UNTIL" in parts else None
        if "UNTIL" in parts and until is None:
            raise _Refused(f"the event {_label(event)} has an UNTIL that cannot be read ({shown})")
        by: dict[str, tuple[int, ...]] = {}
        for key, (least, most, signed) in _RANGES.items():
            if key not in parts:
                continue
            values = [_whole(v) for v in parts[key].split(",")]
            if any(v is None or not least <= (abs(v) if signed else v) <= most for v in values):
                raise _Refused(
                    f"the event {_label(event)} has {key}={_quote(parts[key])} in its rule "
                    f"({shown}), outside {'±' if signed else ''}{least}..{most}"
                )
            by[key] = tuple(v for v in values if v is not None)
        weekdays: set[int] = set()
        ordinals: set[tuple[int, int]] = set()
        for value in parts["BYDAY"].split(",") if "BYDAY" in parts else []:
            day = _BY_DAY.match(value.strip())
            if not day or (day[1] and not 1 <= abs(int(day[1])) <= 53):
                raise _Refused(
                    f"the event {_label(event)} has BYDAY={_quote(parts['BYDAY'])} in its rule "
                    f"({shown}); days are MO, TU, ... or with a number, like 2TU or -1FR"
                )
            if day[1] and frequency in ("MONTHLY", "YEARLY"):
                ordinals.add((int(day[1]), _WEEKDAY[day[2]]))
            else:
                weekdays.add(_WEEKDAY[day[2]])
        week_start = _WEEKDAY.get(parts.get("WKST", "MO"), 0)
        if frequency in _SUB_DAILY and count is None and until is None:
            raise _Refused(
                f"the event {_label(event)} repeats {_EVERY[frequency]} with no end ({shown}); "
                "such a rule needs COUNT or UNTIL"
            )
        if "BYWEEKNO" in by or (frequency in _SUB_DAILY and (by or weekdays or ordinals)):
            raise _NotFollowed
        rule = _Rule(
            text, frequency, interval, count, until, by, frozenset(weekdays),
            frozenset(ordinals), week_start,
        )  # fmt: skip
        a_day = len(by.get("BYHOUR", (0,))) * len(by.get("BYMINUTE", (0,)))
        a_day *= len(by.get("BYSECOND", (0,)))
        if a_day > MOST_TIMES_A_DAY:
            raise _Refused(
                f"the event {_label(event)} lists {a_day:,} times a day in its rule ({shown}); "
                f"at most {MOST_TIMES_A_DAY} are read"
            )
        return rule

    def _follow(
        self, event: _VEvent, rule: _Rule, start: Moment, lo: date, hi: date
    ) -> Iterator[Moment]:
        """The starts `rule` makes from `start` on days `lo` to `hi` (DTSTART's own time)."""
        if rule.frequency in _SUB_DAILY:
            yield from self._follow_sub_daily(event, rule, start, lo, hi)
            return
        begin = _day(start)
        if rule.count is not None and (lo - begin).days > MOST_DAYS_FOLLOWED:
            raise _Refused(
                f"the event {_label(event)} counts its repeats (COUNT) from {begin}, too long "
                f"before the plan to follow ({_quote('RRULE:' + rule.text)})"
            )
        made = 0
        left = rule.count
        for moment in _rule_starts(rule, start, lo if rule.count is None else begin, hi):
            if rule.until is not None and _after(moment, rule.until):
                return
            if left is not None:
                left -= 1
                if left < 0:
                    return
            if _day(moment) >= lo:
                made += 1
                if made > MOST_TIMES_PER_EVENT:
                    raise _Refused(self._too_many(event, [rule]))
                yield moment

    def _follow_sub_daily(
        self, event: _VEvent, rule: _Rule, start: Moment, lo: date, hi: date
    ) -> Iterator[Moment]:
        if not isinstance(start, datetime):
            raise _NotFollowed
        step = timedelta(seconds=_SUB_DAILY[rule.frequency] * rule.interval)
        wall = start.replace(tzinfo=None)
        lowest = max(0, -(-(datetime.combine(lo, MIDNIGHT) - wall) // step))
        highest = (datetime.combine(hi, time.max) - wall) // step
        if rule.count is not None:
            highest = min(highest, rule.count - 1)
        if rule.until is not None:
            until = (
                rule.until
                if isinstance(rule.until, datetime)
                else datetime.combine(rule.until, time.max)
            )
            highest = min(highest, (_wall(until, start.tzinfo) - wall) // step)
        if highest - lowest + 1 > MOST_TIMES_PER_EVENT:
            raise _Refused(self._too_many(event, [rule]))
        for k in range(lowest, highest + 1):
            yield (wall + k * step).replace(tzinfo=start.tzinfo)

    # -- time zones ---------------------------------------------------------------------------

    def _zone(self, tzid: str) -> tzinfo | None:
        """The zone a TZID names: the tz database's (by its IANA or Windows name), else the
        file's own VTIMEZONE, once checked; None (England's time) when neither has it."""
        if tzid not in self.zones:
            self.zones[tzid] = self._find_zone(tzid)
        return self.zones[tzid]

    def _find_zone(self, tzid: str) -> tzinfo | None:
        from icalendar import Timezone
        from icalendar.timezone import tzp

        if len(tzid) <= 100:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # "globally unique TZID guessed"
                    known = tzp.timezone(tzid)
            except (ValueError, OSError):
                known = None
            if known is not None:
                return known
        lines = self.zone_lines.get(tzid)
        if lines is None:
            return None
        self._check_zone(tzid, lines)
        try:
            parsed = Timezone.from_ical("\r\n".join(lines) + "\r\n")
            if not isinstance(parsed, Timezone):
                raise ValueError("not a VTIMEZONE")
            zone: tzinfo = parsed.to_tz(lookup_tzid=False)
        except (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError):
            raise InvalidFileError(
                [f"{self.shown}: the time zone {tzid!r} cannot be read from the file"]
            ) from None
        return zone

    def _check_zone(self, tzid: str, lines: list[str]) -> None:
        """A VTIMEZONE is turned into every change it lists until the year 9999: only one that
        changes yearly, with offsets under a day, is taken."""
        named = f"{self.shown}: the time zone '{_quote(tzid)}'"
        parts = sum(
            1 for line in lines if line.upper().startswith(("BEGIN:STANDARD", "BEGIN:DAYLIGHT"))
        )
        if parts > MOST_ZONE_PARTS:
            raise InvalidFileError(
                [
                    f"{named} has {parts} parts (STANDARD, DAYLIGHT); "
                    f"at most {MOST_ZONE_PARTS} are read"
                ]
            )
        for line in lines:
            found = _property(line)
            if found is None:
                continue
            if found.name == "RRULE":
                rule = {
                    k.upper(): v.upper()
                    for k, _, v in (p.partition("=") for p in found.value.split(";"))
                }
                yearly = rule.get("FREQ") == "YEARLY" and rule.get("INTERVAL", "1") == "1"
                simple = not {
                    "BYHOUR",
                    "BYMINUTE",
                    "BYSECOND",
                    "BYSETPOS",
                    "BYYEARDAY",
                    "BYWEEKNO",
                } & set(rule)
                if not yearly or not simple or "," in rule.get("BYMONTH", ""):
                    raise InvalidFileError(
                        [f"{named} changes by the rule {_quote('RRULE:' + found.value)}; a time "
                         "zone's rules change once a year (FREQ=YEARLY, one BYMONTH)"]
                    )  # fmt: skip
            elif found.name in ("TZOFFSETFROM", "TZOFFSETTO"):
                offset = _OFFSET.match(found.value.strip())
                if not offset or int(offset[2]) >= MOST_ZONE_HOURS or int(offset[3]) > 59:
                    raise InvalidFileError(
                        [f"{named} has {found.name}:{_quote(found.value)}; an offset is "
                         f"written +HHMM, less than {MOST_ZONE_HOURS} hours from UTC"]
                    )  # fmt: skip
            elif found.name == "RDATE" and found.value.count(",") >= 1000:
                raise InvalidFileError([f"{named} lists more than 1,000 changes (RDATE)"])


# -- the rule's days --------------------------------------------------------------------------


def _rule_starts(rule: _Rule, start: Moment, lo: date, hi: date) -> Iterator[Moment]:
    """Every start the rule makes in periods from the one holding `lo` to the one holding `hi`,
    in order, with the defaults RFC 5545 takes from DTSTART."""
    begin = _day(start)
    lo = max(lo, begin)
    timed = isinstance(start, datetime)
    clock = start.timetz() if isinstance(start, datetime) else MIDNIGHT
    by = dict(rule.by)
    weekdays, ordinals = set(rule.weekdays), set(rule.ordinal_days)
    if not ({"BYYEARDAY", "BYMONTHDAY"} & set(by) or weekdays or ordinals):
        if rule.frequency == "YEARLY":
            by.setdefault("BYMONTH", (begin.month,))
            by["BYMONTHDAY"] = (begin.day,)
        elif rule.frequency == "MONTHLY":
            by["BYMONTHDAY"] = (begin.day,)
        elif rule.frequency == "WEEKLY":
            weekdays = {begin.weekday()}
    clocks = sorted(
        time(h, m, min(s, 59), tzinfo=clock.tzinfo)
        for h in by.get("BYHOUR", (clock.hour,))
        for m in by.get("BYMINUTE", (clock.minute,))
        for s in by.get("BYSECOND", (clock.second,))
    )
    period = _Periods(rule, begin)
    index = period.index(lo)
    index += -(index - period.first) % rule.interval
    while True:
        days = period.days(index)
        if not days or days[0] > hi:
            return
        chosen = [d for d in days if _keeps(rule.frequency, by, weekdays, ordinals, d)]
        moments: list[Moment] = (
            [datetime.combine(d, c) for d in chosen for c in clocks] if timed else list(chosen)
        )
        if "BYSETPOS" in by:
            places = (p - 1 if p > 0 else len(moments) + p for p in by["BYSETPOS"])
            moments = [moments[i] for i in sorted(set(places)) if 0 <= i < len(moments)]
        for moment in moments:
            if _day(moment) >= begin and (not isinstance(moment, datetime) or moment >= start):
                yield moment
        index += rule.interval


class _Periods:
    """The days, weeks, months or years a rule steps through, numbered."""

    def __init__(self, rule: _Rule, begin: date) -> None:
        self.frequency = rule.frequency
        self.week_start = rule.week_start
        self.first = self.index(begin)

    def index(self, day: date) -> int:
        if self.frequency == "DAILY":
            return day.toordinal()
        if self.frequency == "WEEKLY":
            # Day 1 (1 January of the year 1) was a Monday: weeks start on days 7k + 1 + WKST.
            week_start = day.toordinal() - (day.weekday() - self.week_start) % 7
            return (week_start - 1 - self.week_start) // 7
        if self.frequency == "MONTHLY":
            return day.year * 12 + day.month - 1
        return day.year

    def days(self, index: int) -> list[date]:
        try:
            if self.frequency == "DAILY":
                return [date.fromordinal(index)]
            if self.frequency == "WEEKLY":
                first = index * 7 + 1 + self.week_start
                return [date.fromordinal(first + n) for n in range(7)]
            if self.frequency == "MONTHLY":
                year, month = divmod(index, 12)
                first_day = date(year, month + 1, 1)
                return [first_day + timedelta(days=n) for n in range(_month_length(first_day))]
            first_day = date(index, 1, 1)
            return [first_day + timedelta(days=n) for n in range(_year_length(index))]
        except (ValueError, OverflowError):
            return []  # past the year 9999


def _keeps(
    frequency: str,
    by: dict[str, tuple[int, ...]],
    weekdays: set[int],
    ordinals: set[tuple[int, int]],
    day: date,
) -> bool:
    if "BYMONTH" in by and day.month not in by["BYMONTH"]:
        return False
    if "BYMONTHDAY" in by:
        length = _month_length(day)
        if day.day not in by["BYMONTHDAY"] and day.day - length - 1 not in by["BYMONTHDAY"]:
            return False
    if "BYYEARDAY" in by:
        number, length = day.timetuple().tm_yday, _year_length(day.year)
        if number not in by["BYYEARDAY"] and number - length - 1 not in by["BYYEARDAY"]:
            return False
    if weekdays or ordinals:
        weekday = day.weekday()
        if weekday in weekdays:
            return True
        if frequency == "MONTHLY" or "BYMONTH" in by:
            ahead, behind = (day.day - 1) // 7 + 1, -((_month_length(day) - day.day) // 7 + 1)
        else:
            number = day.timetuple().tm_yday
            ahead, behind = (number - 1) // 7 + 1, -((_year_length(day.year) - number) // 7 + 1)
        return (ahead, weekday) in ordinals or (behind, weekday) in ordinals
    return True


def _month_length(day: date) -> int:
    following = date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)
    return (following - day.replace(day=1)).days


def _year_length(year: int) -> int:
    return 366 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 365


# -- moments ----------------------------------------------------------------------------------


def _day(moment: Moment) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def _end(start: Moment, length: timedelta) -> Moment:
    try:
        return start + length
    except OverflowError:
        return datetime.max if isinstance(start, datetime) else date.max


def _wall(moment: datetime, zone: tzinfo | None) -> datetime:
    """`moment` as a clock in `zone` shows it, without the zone."""
    if moment.tzinfo is None or zone is None:
        return moment.replace(tzinfo=None)
    return moment.astimezone(zone).replace(tzinfo=None)


def _instant(moment: Moment) -> Moment:
    """What EXDATE and RECURRENCE-ID compare: the UTC instant of a zoned time."""
    if isinstance(moment, datetime) and moment.tzinfo is not None:
        return moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _after(moment: Moment, until: Moment) -> bool:
    if not isinstance(until, datetime):
        return _day(moment) > until
    if not isinstance(moment, datetime):
        return moment > until.date()
    if moment.tzinfo is not None and until.tzinfo is not None:
        return moment > until
    return moment.replace(tzinfo=None) > until.replace(tzinfo=None)


def _whole(text: str) -> int | None:
    text = text.strip()
    return int(text) if re.fullmatch(r"[+-]?\d{1,9}", text) else None


def _duration(text: str) -> timedelta | None:
    found = _DURATION.match(text.strip())
    if not found or not any(found.groups()[1:]):
        return None
    weeks, days, hours, minutes, seconds = (int(g or 0) for g in found.groups()[1:])
    if weeks > 10_000 or days > 100_000:
        return None
    length = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
    return -length if found[1] == "-" else length


def _plain(event: _VEvent, name: str) -> str:
    line = event.first(name)
    found = _property(line) if line else None
    return _text(found.value) if found else ""


def _rough_day(line: str | None) -> date | None:
    """The day a DTSTART or DTEND line names, give or take the time zone; None if unsure."""
    if line is None:
        return None
    value = line[line.rfind(":") + 1 :]
    if len(value) < 8 or not value[:8].isdigit():
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        return None


def _uid(event: _VEvent) -> str:
    return _plain(event, "UID")


def _label(event: _VEvent) -> str:
    """The event as a message names it: its summary, else its UID."""
    if summary := _plain(event, "SUMMARY"):
        return f"'{_quote(summary, 60)}'"
    uid = _uid(event)
    return f"with UID '{_quote(uid, 60)}'" if uid else "with no name"


def _times(start: Moment, length: timedelta, first: date, last: date) -> Iterable[BusyTime]:
    """One occurrence's busy stretches in England's time on the days `first` to `last`."""
    if not isinstance(start, datetime):
        final = date.fromordinal(min(last.toordinal(), start.toordinal() + max(1, length.days) - 1))
        return (BusyTime(day, None, None) for day in _days(max(start, first), final))
    if length <= timedelta(0):
        return ()
    begins = _local(start)
    try:
        ends = _local(start + length)
    except OverflowError:
        ends = datetime.max
    found: list[BusyTime] = []
    for day in _days(max(begins.date(), first), min(ends.date(), last)):
        opens = begins.time() if day == begins.date() else MIDNIGHT
        if day == ends.date():
            if ends.time() > opens:
                found.append(BusyTime(day, opens, ends.time()))
        else:
            found.append(BusyTime(day, opens, time(23, 59)))
    return found


def _local(moment: datetime) -> datetime:
    """In England's time, without the zone: a floating time is already local."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(ENGLAND).replace(tzinfo=None)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
