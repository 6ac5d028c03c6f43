"""Bring a CalDAV calendar to the current plan, touching only the events npqplan wrote there.

`look` reads what the calendar holds (ETags, and the data of the few events it must read);
`compare` works out, without writing anything, what to create, update and remove, and which of
our events the person changed or deleted (their change wins); `apply` makes the writes, each
conditional on the event being as we last saw it, and hands every write the server acknowledged
to `remember` in small batches, also when a failure or Ctrl-C stops it midway.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time

from npqplan import ics
from npqplan.caldav_server import ChangedMeanwhile, Server, UidTaken, event_href
from npqplan.plan import ExportedEvent, Plan, Session
from npqplan.remote_event import read_event
from npqplan.syncstate import SyncedEvent

# Writes recorded together: few enough that an interrupted sync records nearly all it did,
# enough that the state file is not synced to disk after every event.
BATCH = 20
Remember = Callable[[list[SyncedEvent], list[str]], None]


@dataclass(frozen=True)
class Remote:
    """What the calendar holds: every object's ETag, and the data of those we had to read."""

    etags: Mapping[str, str]
    data: Mapping[str, tuple[str, bytes]]


@dataclass(frozen=True)
class Write:
    event: ExportedEvent
    href: str
    etag: str | None  # None: a new event, written only if nothing is at `href`


@dataclass(frozen=True)
class Gone:
    uid: str
    href: str
    etag: str
    session: Session | None  # None for an event a cut-off sync wrote and never recorded


@dataclass(frozen=True)
class Theirs:
    """An event of ours the person changed (data) or deleted (no data) in their calendar."""

    synced: SyncedEvent
    etag: str | None
    data: bytes | None
    planned: Session | None  # the session as the plan has it now, if it still has it


@dataclass(frozen=True)
class Changes:
    calendar: str
    creates: tuple[Write, ...] = ()
    updates: tuple[Write, ...] = ()
    removals: tuple[Gone, ...] = ()
    # Ours on the server already as the plan wants them (a sync cut off before it recorded
    # them): recorded, not written.
    adopted: tuple[SyncedEvent, ...] = ()
    forget: tuple[str, ...] = ()
    edited: tuple[Theirs, ...] = ()
    deleted: tuple[Theirs, ...] = ()
    unchanged: int = 0

    @property
    def writes(self) -> int:
        return len(self.creates) + len(self.updates) + len(self.removals)


@dataclass
class Applied:
    created: int = 0
    updated: int = 0
    removed: int = 0
    # Changed on the server between our look and our write, or a UID another event holds.
    skipped: list[str] = field(default_factory=list)
    taken: list[str] = field(default_factory=list)


def look(server: Server, calendar: str, record: Iterable[SyncedEvent]) -> Remote:
    """One PROPFIND; one REPORT for the events we must read: ours that changed, and any that
    a sync may have written without recording it (named like ours)."""
    etags = server.etags(calendar)
    known = {synced.href: synced.etag for synced in record}
    suffix = f"@{ics.UID_DOMAIN}.ics"
    wanted = [
        href
        for href, etag in etags.items()
        if (href in known and known[href] != etag) or (href not in known and href.endswith(suffix))
    ]
    return Remote(etags, server.fetch(calendar, wanted))


def compare(
    plan: Plan,
    *,
    key: str,
    calendar: str,
    record: Iterable[SyncedEvent],
    remote: Remote,
    generated_at: datetime,
    accept: Mapping[str, str] | None = None,
    restore: bool = False,
) -> Changes:
    """What the sync would do. `accept` maps UIDs of events the person changed to their new
    ETag, to be treated as ours again (after --take-theirs); `restore` writes the plan's
    version over the person's changes and puts back what they deleted."""
    recorded = {s.event.uid: s for s in record}
    for uid, etag in (accept or {}).items():
        if uid in recorded:
            recorded[uid] = replace(recorded[uid], etag=etag)
    hrefs = {s.href for s in recorded.values()}
    orphans = {}
    for href, (etag, data) in remote.data.items():
        found = read_event(data)
        if href not in hrefs and found and found.fingerprint and found.uid not in recorded:
            orphans[found.uid] = (href, etag, found)
    previous = [s.event for s in recorded.values()]
    first = ics.export_calendar(
        plan, key=key, generated_at=generated_at, previous=previous, with_file=False
    )
    sessions = {e.uid: e.session for e in first.events if not e.cancelled}
    for uid, (_href, _etag, found) in orphans.items():
        if uid in sessions and found.fingerprint:
            # The session as the plan has it stands in for the one written: only a cancelled
            # event's text would use it, and a sync removes such events instead.
            previous.append(
                ExportedEvent(uid, found.fingerprint, found.sequence, found.modified, sessions[uid])
            )
    export = first
    if len(previous) > len(recorded):
        export = ics.export_calendar(
            plan, key=key, generated_at=generated_at, previous=previous, with_file=False
        )
    wanted = {e.uid: e for e in export.events if not e.cancelled}

    creates: list[Write] = []
    updates: list[Write] = []
    removals: list[Gone] = []
    adopted: list[SyncedEvent] = []
    forget: list[str] = []
    edited: list[Theirs] = []
    deleted: list[Theirs] = []
    unchanged = 0
    for uid, event in wanted.items():
        synced = recorded.get(uid)
        if synced is not None:
            now = remote.etags.get(synced.href)
            if now is None or now != synced.etag:
                theirs = Theirs(synced, now, _data(remote, synced.href), event.session)
                if restore:
                    (updates if now else creates).append(Write(event, synced.href, now))
                else:
                    (edited if now else deleted).append(theirs)
            elif (event.fingerprint, event.sequence) == (
                synced.event.fingerprint,
                synced.event.sequence,
            ):
                unchanged += 1
            else:
                updates.append(Write(event, synced.href, synced.etag))
        elif uid in orphans:
            href, etag, found = orphans[uid]
            if (event.fingerprint, event.sequence) == (found.fingerprint, found.sequence):
                adopted.append(SyncedEvent(event, href, etag))
            else:
                updates.append(Write(event, href, etag))
        else:
            creates.append(Write(event, event_href(calendar, uid), None))
    for uid, synced in recorded.items():
        if uid in wanted:
            continue
        now = remote.etags.get(synced.href)
        if now is None:
            forget.append(uid)
        elif now == synced.etag or restore:
            removals.append(Gone(uid, synced.href, now, synced.event.session))
        else:
            edited.append(Theirs(synced, now, _data(remote, synced.href), None))
    for uid, (href, etag, _found) in orphans.items():
        if uid not in wanted:
            removals.append(Gone(uid, href, etag, None))
    return Changes(
        calendar=calendar,
        creates=tuple(sorted(creates, key=_write_order)),
        updates=tuple(sorted(updates, key=_write_order)),
        removals=tuple(removals),
        adopted=tuple(adopted),
        forget=tuple(forget),
        edited=tuple(edited),
        deleted=tuple(deleted),
        unchanged=unchanged,
    )


def _data(remote: Remote, href: str) -> bytes | None:
    found = remote.data.get(href)
    return found[1] if found else None


def _write_order(write: Write) -> tuple[date, time, str]:
    session = write.event.session
    return session.day, session.start or time.min, write.event.uid


def apply(
    server: Server,
    plan: Plan,
    changes: Changes,
    *,
    generated_at: datetime,
    remember: Remember,
) -> Applied:
    """Write the changes: new and changed events first, removals last, so that a sync cut off
    midway leaves more of the plan in the calendar, never less. Each write acknowledged by the
    server reaches `remember` (in batches, and whatever stops the run)."""
    done = Applied()
    written: list[SyncedEvent] = []
    removed: list[str] = list(changes.forget)
    remember(list(changes.adopted), [])

    def flush() -> None:
        if written or removed:
            remember(list(written), list(removed))
            written.clear()
            removed.clear()

    try:
        for write in changes.creates + changes.updates:
            body = ics.event_resource(plan, write.event, generated_at=generated_at)
            try:
                etag = server.put(changes.calendar, write.href, body, write.etag)
            except ChangedMeanwhile:
                done.skipped.append(write.event.uid)
                continue
            except UidTaken:
                done.taken.append(write.event.uid)
                continue
            written.append(SyncedEvent(write.event, write.href, etag))
            if write.etag is None:
                done.created += 1
            else:
                done.updated += 1
            if len(written) >= BATCH:
                flush()
        for gone in changes.removals:
            try:
                server.delete(changes.calendar, gone.href, gone.etag)
            except ChangedMeanwhile:
                done.skipped.append(gone.uid)
                continue
            removed.append(gone.uid)
            done.removed += 1
            if len(removed) >= BATCH:
                flush()
    finally:
        flush()
    return done
