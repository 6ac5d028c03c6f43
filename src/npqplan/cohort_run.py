"""Planning a roster: each participant's plan made, checked and written as ICS and JSON, in one
process per core, streamed so that only the small per-participant outcomes are kept.

This is the edge of the cohort commands: it reads the roster and the files it names and writes
the run's folder; `cohort.py` decides everything else.
"""

from __future__ import annotations

import functools
import os
import stat
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from npqplan import cache as caches
from npqplan import formats, ics
from npqplan.atomic import write_new
from npqplan.calendar import SchoolCalendar, build_calendar
from npqplan.cohort import (
    SCHOOLS_FOLDER,
    CohortReport,
    Outcome,
    Participant,
    Roster,
    outcome_of,
    parse_roster,
    school_files,
)
from npqplan.errors import InvalidFileError, NpqplanError, RequestValueError, Stopped
from npqplan.loader import ProgrammeEntry, find_programme
from npqplan.render.words import source_titles
from npqplan.request import (
    PlanRequest,
    bank_holidays,
    bundled_calendars,
    bundled_term_dates,
    calendar_for,
    load_cohort,
    load_term_dates,
    parse_start,
    plan_with,
)
from npqplan.schema import CohortFile, TermDatesFile

LARGEST_ROSTER_BYTES = 32 * 1024 * 1024
# Fewer participants than this are planned in this process: starting workers costs more.
POOL_FROM = 20
LARGEST_CHUNK = 100


@dataclass(frozen=True)
class Settings:
    """What every participant's plan shares; sent to each worker with its chunk."""

    programme: str
    user_dir: Path | None
    cache_dir: Path | None
    cohort_file: str | None
    generated_at: datetime
    folder: Path


@dataclass(frozen=True)
class Problem:
    """A participant whose plan could not be made: bad input (2) or a bug (3)."""

    participant: Participant
    column: str
    message: str
    exit_code: int


# -- reading -----------------------------------------------------------------------------------


def read_roster(path: Path, shown: str) -> Roster:
    """The roster at `path`, every bad row reported; terms files resolved from its folder."""
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            what = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
            raise InvalidFileError([f"{shown}: is {what}, not a CSV roster"])
        with path.open("rb") as handle:
            raw = handle.read(LARGEST_ROSTER_BYTES + 1)
    except FileNotFoundError:
        raise InvalidFileError([f"{shown}: no such file"]) from None
    except OSError as exc:
        raise InvalidFileError([f"{shown}: cannot be read ({exc.strerror})"]) from None
    if len(raw) > LARGEST_ROSTER_BYTES:
        raise InvalidFileError([f"{shown}: larger than {LARGEST_ROSTER_BYTES // 2**20} MiB"])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InvalidFileError(
            [f"{shown}:{line}: row: not UTF-8 text; save the roster as UTF-8 CSV"]
        ) from None
    roster = parse_roster(text, shown, bundled_calendars())
    folder = path.parent
    return Roster(
        roster.source,
        tuple(
            p if p.terms is None else _with_terms(p, str((folder / p.terms).resolve()))
            for p in roster.participants
        ),
    )


def _with_terms(participant: Participant, terms: str) -> Participant:
    return Participant(**{**participant.__dict__, "terms": terms})


def check_terms_files(roster: Roster, cache_dir: Path | None) -> None:
    """Load every terms file the roster names once; InvalidFileError locating each row whose
    file cannot be used."""
    cache = caches.ParseCache(cache_dir) if cache_dir is not None else None
    failed: dict[str, str] = {}
    problems: list[str] = []
    for participant in roster.participants:
        if participant.terms is None:
            continue
        if participant.terms not in failed:
            try:
                load_term_dates(participant.request(""), cache)
                failed[participant.terms] = ""
            except NpqplanError as error:
                failed[participant.terms] = error.lines()[0].removeprefix("error: ")
        if failed[participant.terms]:
            problems.append(roster.located(participant, "terms", failed[participant.terms]))
    if problems:
        raise InvalidFileError(problems)


def school_calendars(
    roster: Roster, first: date, last: date, cache_dir: Path | None
) -> dict[str, SchoolCalendar]:
    """Each participant's school calendar from `first` to `last`, by `calendar_key`."""
    cache = caches.ParseCache(cache_dir) if cache_dir is not None else None
    holidays = bank_holidays(first.year - 1, last.year + 1, cache_dir)
    found: dict[str, SchoolCalendar] = {}
    for participant in roster.participants:
        key = participant.calendar_key
        if key not in found:
            dates = load_term_dates(participant.request(""), cache)
            found[key] = build_calendar(dates, first, last, holidays, bundled_term_dates(cache))
    return found


# -- planning ----------------------------------------------------------------------------------


def plan_roster(
    roster: Roster,
    settings: Settings,
    *,
    workers: int,
    on_done: Callable[[int], None] = lambda count: None,
) -> Iterator[Outcome | Problem]:
    """Plan, check and write every participant, yielding each outcome as its chunk finishes."""
    people = _by_request(roster.participants, settings)
    if workers <= 1 or len(people) < POOL_FROM:
        for start in range(0, len(people), LARGEST_CHUNK):
            chunk = people[start : start + LARGEST_CHUNK]
            yield from plan_chunk(settings, chunk)
            on_done(len(chunk))
        return
    size = max(1, min(LARGEST_CHUNK, len(people) // (workers * 4)))
    chunks = iter(range(0, len(people), size))
    with Stopped.deferred(), ProcessPoolExecutor(max_workers=workers) as pool:
        running: set[Future[list[Outcome | Problem]]] = set()
        try:
            while True:
                # A few chunks ahead per worker: enough to keep them busy, few enough that
                # finished outcomes never pile up.
                while len(running) < workers * 2 and (first := next(chunks, None)) is not None:
                    running.add(pool.submit(plan_chunk, settings, people[first : first + size]))
                if not running:
                    return
                # A short wait, so that a signal to stop is acted on at once (see Stopped).
                done, running = wait(running, timeout=0.1, return_when=FIRST_COMPLETED)
                Stopped.check()
                for future in done:
                    results = future.result()
                    yield from results
                    on_done(len(results))
        finally:
            for future in running:
                future.cancel()


def _by_request(people: Sequence[Participant], settings: Settings) -> tuple[Participant, ...]:
    """Participants with the same request next to each other (each request where it first
    appears), so that a chunk, and a worker's next chunk, mostly share one plan."""
    groups: dict[PlanRequest, list[Participant]] = {}
    for participant in people:
        request = participant.request(settings.programme, settings.cohort_file)
        groups.setdefault(request, []).append(participant)
    return tuple(participant for group in groups.values() for participant in group)


def plan_chunk(settings: Settings, participants: Sequence[Participant]) -> list[Outcome | Problem]:
    """Plan and write each participant of a chunk; a bad one is a Problem, not the chunk's end."""
    results: list[Outcome | Problem] = []
    for participant in participants:
        try:
            results.append(_plan_one(settings, participant))
        except RequestValueError as error:
            results.append(Problem(participant, error.field, error.message, error.exit_code))
        except NpqplanError as error:
            message = " ".join(line.removeprefix("error: ") for line in error.lines())
            results.append(Problem(participant, "plan", message, error.exit_code))
    return results


# What a worker process loads once and uses for every participant it plans.
_Shared = tuple[ProgrammeEntry, CohortFile | None]
_programmes: dict[tuple[str, Path | None, str | None], _Shared] = {}
_term_dates: dict[str, TermDatesFile] = {}
_calendars: dict[tuple[str, Path, date], SchoolCalendar] = {}


@dataclass(frozen=True)
class _Planned:
    """What every participant with one request shares: their plan's outcome, its calendar
    (apart from the UIDs) and its JSON, each made once."""

    outcome: Outcome
    calendar: ics.SharedCalendar
    plan_json: bytes
    # Which plan the participants' UIDs belong to: `ics.plan_key` without the participant.
    programme_id: str
    start: date


def _plan_one(settings: Settings, participant: Participant) -> Outcome:
    planned = _planned(settings, participant.request(settings.programme, settings.cohort_file))
    outcome = replace(planned.outcome, participant=participant)
    key = ics.plan_key(planned.programme_id, planned.start, participant=participant.id)
    write_new(settings.folder / f"{participant.id}.ics", planned.calendar.for_key(key))
    write_new(settings.folder / f"{participant.id}.json", planned.plan_json)
    return outcome


# A few requests: a worker's chunks come grouped by request (see `_by_request`).
@functools.lru_cache(maxsize=8)
def _planned(settings: Settings, request: PlanRequest) -> _Planned:
    entry, cohort = _shared(settings)
    start = parse_start(request.start)
    calendar = _calendar(request, entry, start, settings.cache_dir)
    plan = plan_with(request, entry, calendar, cohort).plan
    key = ics.plan_key(plan.programme_id, start)
    return _Planned(
        outcome_of(Participant(0, "", "", "", request.start), plan, calendar),
        ics.shared_calendar(
            plan,
            key=key,
            generated_at=settings.generated_at,
            options=ics.ExportOptions(source_titles=source_titles(entry.programme)),
        ),
        formats.plan_json(plan).encode("utf-8"),
        plan.programme_id,
        start,
    )


def _shared(settings: Settings) -> tuple[ProgrammeEntry, CohortFile | None]:
    key = (settings.programme, settings.user_dir, settings.cohort_file)
    if key not in _programmes:
        cache = caches.ParseCache(settings.cache_dir) if settings.cache_dir else None
        entry = find_programme(settings.programme, settings.user_dir, cache)
        _programmes[key] = (entry, load_cohort(settings.cohort_file, entry.programme, cache))
    return _programmes[key]


def _calendar(
    request: PlanRequest, entry: ProgrammeEntry, start: date, cache_dir: Path | None
) -> SchoolCalendar:
    """One calendar per school calendar and start day, which also keeps its answers about which
    days are school days for every later plan from the same start."""
    source = request.terms_file or request.calendar
    key = (source, entry.path, start)
    if key not in _calendars:
        if source not in _term_dates:
            cache = caches.ParseCache(cache_dir) if cache_dir else None
            _term_dates[source] = load_term_dates(request, cache)
        _calendars[key] = calendar_for(entry.programme, _term_dates[source], start, cache_dir)
    return _calendars[key]


# -- the papers of the run ---------------------------------------------------------------------


def write_papers(report: CohortReport, folder: Path, generated_at: datetime) -> None:
    """Beside the participants' files: cover.csv, each school's calendar of its staff out of
    school, and index.csv of every file and whom it is for."""
    write_new(folder / formats.COVER_FILE, formats.cover_csv(report).encode("utf-8"))
    away: dict[str, list[ics.SchoolEvent]] = defaultdict(list)
    for outcome in report.outcomes:
        who = outcome.participant
        key = ics.plan_key(report.programme, outcome.start, participant=who.id)
        away[who.school] += [ics.SchoolEvent(who.name, key, s) for s in outcome.away]
    names = school_files(away)
    (folder / SCHOOLS_FOLDER).mkdir()
    calendars = ics.school_calendars(
        ((f"{school}: staff out of school for {report.title}", away[school]) for school in names),
        title=report.title,
        provider=report.provider,
        generated_at=generated_at,
    )
    for name, data in zip(names.values(), calendars, strict=True):
        write_new(folder / name, data)
    write_new(folder / formats.INDEX_FILE, formats.index_csv(report).encode("utf-8"))


def default_workers() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)
