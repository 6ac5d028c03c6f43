"""Plan -> an iCalendar file that imports cleanly and updates on re-import. Pure, deterministic.

Follows the README's section on `npqplan export`: METHOD:PUBLISH, a two-rule Europe/London
VTIMEZONE, timed sessions at local time with TZID, all-day sessions as VALUE=DATE with an
exclusive DTEND, UIDs from the plan's and the session's identity (never the date), and
SEQUENCE / STATUS:CANCELLED worked out against what the previous export of the same plan said.
"""

from __future__ import annotations

import functools
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from npqplan.plan import ExportedEvent, Plan, Session
from npqplan.render.words import for_people, hours_text, unsure_years_text
from npqplan.schema import ComponentKind, Delivery, IfMissed

TZID = "Europe/London"
LONDON = ZoneInfo(TZID)
PRODID = "-//npqplan//NPQ study plan//EN"
# Fixed for ever: every UID ever exported depends on it.
UID_NAMESPACE = uuid.UUID("5b0f3c7e-6a43-5d0e-9a51-6e7071706c61")
UID_DOMAIN = "npqplan"

_VERB_BY_KIND = {
    ComponentKind.JOURNAL: "Write",
    ComponentKind.AUDIT: "Complete",
    ComponentKind.ASSESSMENT: "Complete",
    ComponentKind.PROJECT: "Work on",
}
_VERB_BY_DELIVERY = {Delivery.ONLINE: "Join online", Delivery.IN_PERSON: "Attend"}
# What catch-up for a missed live session is done from, as the provider offers it.
_CATCH_UP_OFFER = {IfMissed.RECORDING: "recording", IfMissed.MATERIALS: "materials"}


@dataclass(frozen=True)
class ExportOptions:
    reminder: timedelta | None = None
    # Each cited document's name -> its title, so an event names a source, never our file.
    source_titles: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CalendarExport:
    data: bytes
    # The state to remember for the plan, once `data` has been written.
    events: tuple[ExportedEvent, ...]
    # Events this export changes: new ones, updated ones (SEQUENCE bumped), newly cancelled.
    added: int = 0
    updated: int = 0
    cancelled: int = 0


def plan_key(programme_id: str, start: date, *, participant: str | None = None) -> str:
    """Which plan an export belongs to: the programme and the start the user asked for, and in
    a cohort whose plan it is, so that a cohort's calendars loaded into one never collide.

    A participant's id is unique in any case in a roster, so its case does not change the key.
    """
    key = f"{programme_id}@{start.isoformat()}"
    return key if participant is None else f"{key} for {participant.lower()}"


def session_uid(key: str, session: Session) -> str:
    """Stable across exports and re-plans; says nothing readable about the plan or the user.

    It is `uuid.uuid5(UID_NAMESPACE, f"{key}/{session.identity}")` (a test holds it to that),
    written out from the SHA-1 directly: a cohort makes a hundred thousand of them, and the
    UUID object costs twice the hash.
    """
    name = f"{key}/{session.identity}".encode()
    digest = bytearray(hashlib.sha1(UID_NAMESPACE.bytes + name, usedforsecurity=False).digest())
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # the RFC 4122 variant
    h = digest[:16].hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}@{UID_DOMAIN}"


def calendar_name(plan: Plan) -> str:
    return f"{plan.title}: study plan"


def summary(session: Session) -> str:
    """What to do, in a few words: `Study: Online self-directed study`, or for work a re-plan
    moved, `Catch up: Community (recording)`."""
    if session.catch_up:
        offer = _CATCH_UP_OFFER.get(session.if_missed) if session.if_missed else None
        return f"Catch up: {session.component}" + (f" ({offer})" if offer else "")
    verb = _VERB_BY_KIND.get(session.kind) or _VERB_BY_DELIVERY.get(session.delivery, "Study")
    return f"{verb}: {session.component}"


def description(plan: Plan, session: Session, titles: Mapping[str, str] | None = None) -> str:
    return event_text(plan.title, plan.provider, session, titles).description


def _description(
    title: str, provider: str, session: Session, titles: Mapping[str, str] | None
) -> str:
    how = "catch-up, self-study" if session.catch_up else session.delivery.value
    lines = [
        f"Component: {session.component} ({session.kind.value}, {how})",
        f"Hours: {hours_text(session.hours)}"
        + ("" if session.minutes % 15 == 0 else f" ({session.minutes} min)"),
        f"Term: {session.term}",
    ]
    if session.fixed:
        lines.append("Date: fixed by the provider or cohort")
    if session.provenance:
        lines.append(
            f"Where the hours come from: {for_people(session.provenance, titles, every_name=True)}"
        )
    lines.append(f"Programme: {title}, {provider}")
    return "\n".join(lines)


@dataclass(frozen=True)
class EventText:
    """What an event says in words, made once per session however many calendars carry it."""

    summary: str
    description: str


def event_text(
    title: str, provider: str, session: Session, titles: Mapping[str, str] | None = None
) -> EventText:
    """The words of a session of the programme `title` by `provider`; `titles` name its
    sources (doc name -> title)."""
    return EventText(summary(session), _description(title, provider, session, titles))


def export_calendar(
    plan: Plan,
    *,
    key: str,
    generated_at: datetime,
    previous: Iterable[ExportedEvent] = (),
    options: ExportOptions | None = None,
    with_file: bool = True,
) -> CalendarExport:
    """The plan as iCalendar bytes, and what to remember about each event for the next export.

    Sessions whose content changed since `previous` get the next SEQUENCE and a LAST-MODIFIED
    of `generated_at`; sessions in `previous` but no longer in the plan come out as
    STATUS:CANCELLED. With the same plan and the state it returned, a second export differs
    from the first only in DTSTAMP.
    """
    if generated_at.tzinfo is None:
        raise ValueError("generated_at must be timezone-aware")
    stamp = generated_at.astimezone(UTC)
    chosen = options or ExportOptions()
    # An event remembered under a UID this key does not give is another plan's (a what-if
    # exported when what-ifs reused the real plan's UIDs): cancelling it would cancel that one.
    before = {e.uid: e for e in previous if e.uid == session_uid(key, e.session)}
    events: list[ExportedEvent] = []
    current: set[str] = set()
    texts: list[EventText] = []
    for session in plan.sessions:
        uid = session_uid(key, session)
        if uid in current:
            raise ValueError(f"two sessions share the identity {session.identity!r}")
        current.add(uid)
        texts.append(event_text(plan.title, plan.provider, session, chosen.source_titles))
        events.append(_versioned(uid, session, texts[-1], False, before.get(uid), stamp, chosen))
    dropped = sorted(
        (event for uid, event in before.items() if uid not in current),
        key=lambda event: (event.session.day, event.session.start or time.min, event.uid),
    )
    for old in dropped:
        texts.append(event_text(plan.title, plan.provider, old.session, chosen.source_titles))
        events.append(_versioned(old.uid, old.session, texts[-1], True, old, stamp, chosen))

    data = b""
    if with_file:  # a sync writes each event on its own (event_resource): no file to make
        calendar = _calendar(calendar_name(plan), _calendar_description(plan))
        for event, text in zip(events, texts, strict=True):
            calendar.add_component(vevent(event, text, stamp, chosen, described_later=True))
        data = to_ical(calendar, [event_words(e, t) for e, t in zip(events, texts, strict=True)])
    changed = [e for e in events if e.uid in before and e.sequence != before[e.uid].sequence]
    return CalendarExport(
        data,
        tuple(events),
        added=sum(1 for event in events if event.uid not in before),
        updated=sum(1 for event in changed if not event.cancelled),
        cancelled=sum(1 for event in changed if event.cancelled),
    )


def _calendar_description(plan: Plan) -> str:
    """Shown beside the calendar by Apple and Outlook where its term dates may still move."""
    if not unsure_years_text(plan.estimated_years, plan.provisional_years):
        return ""
    return (
        f"Term dates: {plan.calendar_name}. Sessions in those years may move once the "
        "council publishes its dates."
    )


def _calendar(title: str, about: str = "") -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # icalendar writes unknown properties raw: vText escapes ';', ',' and '\\' as TEXT needs.
    name = icalendar.vText(title)
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", TZID)
    if about:
        calendar.add("x-wr-caldesc", icalendar.vText(about))
    calendar.add_component(london_timezone())
    return calendar


def london_timezone() -> icalendar.Timezone:
    """Europe/London as two yearly rules (BST from the last Sunday of March at 01:00 UTC to the
    last Sunday of October at 01:00 UTC), the form every reader gets right."""
    zone = icalendar.Timezone()
    zone.add("tzid", TZID)
    zone.add("x-lic-location", TZID)
    daylight = icalendar.TimezoneDaylight()
    daylight.add("tzname", "BST")
    daylight.add("tzoffsetfrom", timedelta(0))
    daylight.add("tzoffsetto", timedelta(hours=1))
    daylight.add("dtstart", datetime(1970, 3, 29, 1, 0))
    daylight.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1SU"})
    standard = icalendar.TimezoneStandard()
    standard.add("tzname", "GMT")
    standard.add("tzoffsetfrom", timedelta(hours=1))
    standard.add("tzoffsetto", timedelta(0))
    standard.add("dtstart", datetime(1970, 10, 25, 2, 0))
    standard.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1SU"})
    zone.add_component(daylight)
    zone.add_component(standard)
    return zone


# Where `vevent` leaves the DESCRIPTION for `to_ical`: never a real one, which starts with words.
_STAND_IN = "\u2063"
_STAND_IN_LINE = f"DESCRIPTION:{_STAND_IN}\r\n".encode()


def to_ical(component: icalendar.Component, descriptions: Sequence[str]) -> bytes:
    """`component` as icalendar writes it, with `descriptions` (one per event made with
    `described_later`, in order) in place of the stand-ins: the same bytes as icalendar gives
    for the events described in full.

    The same words recur in every plan of a programme (a component, its hours, where they come
    from), and escaping and folding them is most of the time a calendar takes to write: each
    text is written by icalendar once per process.
    """
    pieces = component.to_ical().split(_STAND_IN_LINE)
    if len(pieces) != len(descriptions) + 1:
        raise ValueError(f"{len(pieces) - 1} events to describe, {len(descriptions)} descriptions")
    parts = [pieces[0]]
    for words, piece in zip(descriptions, pieces[1:], strict=True):
        parts += [_description_line(words), piece]
    return b"".join(parts)


@functools.lru_cache(maxsize=4096)
def _description_line(words: str) -> bytes:
    line = icalendar.Event().content_line("DESCRIPTION", icalendar.vText(words))
    return bytes(line.to_ical()) + b"\r\n"


def _when(session: Session) -> tuple[date | datetime, date | datetime]:
    if session.all_day or session.start is None or session.end is None:
        return session.day, session.end_date + timedelta(days=1)
    begin = datetime.combine(session.day, session.start, tzinfo=LONDON)
    finish = datetime.combine(session.end_date, session.end, tzinfo=LONDON)
    return begin, finish


def _content(session: Session, text: EventText, cancelled: bool, options: ExportOptions) -> str:
    """Everything an event says apart from DTSTAMP, SEQUENCE and LAST-MODIFIED, as text."""
    begin, finish = _when(session)
    reminder = None if cancelled or options.reminder is None else options.reminder
    return json.dumps(
        {
            "start": begin.isoformat(),
            "end": finish.isoformat(),
            "summary": text.summary,
            "description": text.description,
            "categories": [session.kind.value],
            "location": session.location,
            "cancelled": cancelled,
            "reminder_seconds": None if reminder is None else reminder.total_seconds(),
        },
        sort_keys=True,
        ensure_ascii=False,
    )


def _versioned(
    uid: str,
    session: Session,
    text: EventText,
    cancelled: bool,
    old: ExportedEvent | None,
    stamp: datetime,
    options: ExportOptions,
) -> ExportedEvent:
    fingerprint = hashlib.sha256(
        _content(session, text, cancelled, options).encode("utf-8")
    ).hexdigest()
    if old is None:
        return ExportedEvent(uid, fingerprint, 0, None, session, cancelled)
    if old.fingerprint == fingerprint:
        return ExportedEvent(uid, fingerprint, old.sequence, old.modified, session, cancelled)
    return ExportedEvent(uid, fingerprint, old.sequence + 1, stamp, session, cancelled)


def event_words(event: ExportedEvent, text: EventText) -> str:
    """An event's DESCRIPTION: a cancelled one first says why it is cancelled."""
    if event.cancelled:
        return "No longer in your plan: npqplan re-planned this session away.\n" + text.description
    return text.description


def vevent(
    event: ExportedEvent,
    text: EventText,
    stamp: datetime,
    options: ExportOptions,
    *,
    described_later: bool = False,
) -> icalendar.Event:
    """The one VEVENT every calendar npqplan writes is made of. Each property is given its
    icalendar type directly: `.add()` would work the type out again for every event.

    With `described_later` its DESCRIPTION is a stand-in, for `to_ical` to fill in.
    """
    session = event.session
    begin, finish = _when(session)
    title = f"Cancelled: {text.summary}" if event.cancelled else text.summary
    words = _STAND_IN if described_later else event_words(event, text)
    properties: dict[str, Any] = {
        "UID": icalendar.vText(event.uid),
        "DTSTAMP": icalendar.vDDDTypes(stamp),
        "SEQUENCE": icalendar.vInt(event.sequence),
        "DTSTART": icalendar.vDDDTypes(begin),
        "DTEND": icalendar.vDDDTypes(finish),
        "SUMMARY": icalendar.vText(title),
        "DESCRIPTION": icalendar.vText(words),
        "CATEGORIES": icalendar.vCategory([session.kind.value]),
        "STATUS": icalendar.vText("CANCELLED" if event.cancelled else "CONFIRMED"),
        # Calendars that ignore STATUS still show a cancelled session as free time.
        "TRANSP": icalendar.vText("TRANSPARENT" if event.cancelled else "OPAQUE"),
    }
    if event.modified is not None:
        properties["LAST-MODIFIED"] = icalendar.vDDDTypes(event.modified.astimezone(UTC))
    if session.location:
        properties["LOCATION"] = icalendar.vText(session.location)
    made = icalendar.Event()
    made.update(properties)
    if options.reminder is not None and not event.cancelled:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", text.summary)
        alarm.add("trigger", -options.reminder)
        made.add_component(alarm)
    return made


# -- many calendars of one plan: a cohort ----------------------------------------------------


@dataclass(frozen=True)
class SharedCalendar:
    """One plan's calendar, written by icalendar once for everyone whose plan it is.

    Participants with the same request get the same plan; their calendars differ only in the
    UIDs, which come from each one's own key. `pieces` are the written calendar cut around its
    UID values, so each copy is the same bytes with that participant's UIDs between them.
    """

    sessions: tuple[Session, ...]
    pieces: tuple[bytes, ...]

    def for_key(self, key: str) -> bytes:
        parts = [self.pieces[0]]
        for session, piece in zip(self.sessions, self.pieces[1:], strict=True):
            parts += [session_uid(key, session).encode("ascii"), piece]
        return b"".join(parts)


def shared_calendar(
    plan: Plan, *, key: str, generated_at: datetime, options: ExportOptions | None = None
) -> SharedCalendar:
    """`plan`'s calendar as `export_calendar` writes it for `key`, ready for other keys."""
    written = export_calendar(plan, key=key, generated_at=generated_at, options=options)
    data, pieces, at = written.data, [], 0
    for event in written.events:
        # A UID line is always 49 octets, under the 75 a line may hold: never folded.
        found = data.index(b"\r\nUID:" + event.uid.encode("ascii") + b"\r\n", at) + 6
        pieces.append(data[at:found])
        at = found + len(event.uid)
    pieces.append(data[at:])
    return SharedCalendar(tuple(event.session for event in written.events), tuple(pieces))


@dataclass(frozen=True)
class SchoolEvent:
    """A participant's session that takes them out of school, for their school's calendar."""

    who: str
    key: str
    session: Session


def school_key(key: str) -> str:
    """A participant's plan as their school's calendar shows it: UIDs of its own, so the
    school's calendar and the participant's never overwrite each other's events."""
    return f"{key} at school"


def school_text(who: str, title: str, provider: str, session: Session) -> EventText:
    """A school's event: who is out and for what, without the study details of their own."""
    return EventText(
        f"{who}: {summary(session)}",
        f"{session.component} ({session.kind.value}, {session.delivery.value}), "
        f"{session.term}\nProgramme: {title}, {provider}",
    )


# Stand-ins, as long as a real UID, where a school event's own UID and SUMMARY go.
_UID_MARK = f"{uuid.UUID(int=0)}@{UID_DOMAIN}"
_WHO_MARK = "\u2063"


def school_calendars(
    schools: Iterable[tuple[str, Sequence[SchoolEvent]]],
    *,
    title: str,
    provider: str,
    generated_at: datetime,
) -> Iterator[bytes]:
    """Each school's calendar (its name, its staff's events) of when its staff are out, each
    event named by the participant.

    icalendar writes each session's event once, however many staff share the session, with
    stand-ins for the UID and the SUMMARY; each copy gets its participant's UID and SUMMARY
    line, which icalendar writes (and folds) too.
    """
    stamp = generated_at.astimezone(UTC)
    written: dict[Session, tuple[bytes, bytes, bytes]] = {}
    lines = icalendar.Event()
    for name, events in schools:
        calendar = _calendar(name).to_ical()
        parts = [calendar.removesuffix(b"END:VCALENDAR\r\n")]
        for item in events:
            if item.session not in written:
                text = school_text(_WHO_MARK, title, provider, item.session)
                event = ExportedEvent(_UID_MARK, "", 0, None, item.session)
                made = vevent(event, text, stamp, ExportOptions(), described_later=True)
                data = to_ical(made, [event_words(event, text)])
                line = lines.content_line("SUMMARY", icalendar.vText(text.summary)).to_ical()
                before, after = data.split(line + b"\r\n")
                middle, end = after.split(_UID_MARK.encode("ascii"))
                written[item.session] = (before, middle, end)
            before, middle, end = written[item.session]
            words = school_text(item.who, title, provider, item.session).summary
            line = lines.content_line("SUMMARY", icalendar.vText(words)).to_ical()
            uid = session_uid(school_key(item.key), item.session).encode("ascii")
            parts += [before, line, b"\r\n", middle, uid, end]
        parts.append(b"END:VCALENDAR\r\n")
        yield b"".join(parts)


# A sync writes this on each event it puts in a CalDAV calendar, with the event's fingerprint:
# it tells our events from the person's own, and an event written by a sync that was cut off
# before it could record it from one the person made.
SYNC_MARK = "X-NPQPLAN-FINGERPRINT"


def event_resource(
    plan: Plan,
    event: ExportedEvent,
    *,
    generated_at: datetime,
    options: ExportOptions | None = None,
) -> bytes:
    """One event as a CalDAV calendar stores it: a VCALENDAR holding the VTIMEZONE and the one
    VEVENT, with no METHOD (RFC 4791 section 4.1), marked as npqplan's."""
    if generated_at.tzinfo is None:
        raise ValueError("generated_at must be timezone-aware")
    chosen = options or ExportOptions()
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add_component(london_timezone())
    text = event_text(plan.title, plan.provider, event.session, chosen.source_titles)
    made = vevent(event, text, generated_at.astimezone(UTC), chosen)
    made.add(SYNC_MARK, event.fingerprint)
    calendar.add_component(made)
    return bytes(calendar.to_ical())
