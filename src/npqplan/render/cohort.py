"""A cohort report and candidate event dates -> rich renderables; the progress bar. Never prints."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console, Group, RenderableType
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.text import Text

from npqplan.cohort import RANKING_RULE, Candidate, CohortReport, Outcome, UnsureCalendar
from npqplan.hours import Verdict
from npqplan.render.tables import KeptTogether, table
from npqplan.render.words import day_text, unsure_years_text

VERDICT_STYLE = {Verdict.WITHIN: "green", Verdict.UNDER: "yellow", Verdict.OVER: "red"}
# Past this many participants the table lists only those outside the target or with a conflict.
LISTED_IN_FULL = 100
NAMED_AWAY = 6
# The best dates: enough to choose from; the machine formats list every one.
LISTED_DATES = 20


def progress_bar(console: Console) -> Progress:
    return Progress(
        TextColumn("Planning"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )


def cohort_view(report: CohortReport, out: str, others_hint: str) -> Group:
    """The report: a summary, the participants, the conflicts by council, cover by school."""
    outside = report.outside_target
    parts: list[RenderableType] = [
        Text(f"{report.title}: cohort of {len(report.outcomes)}", style="bold"),
        Text(f"Plans and calendars: {out}"),
        Text(
            f"Outside the target: {len(outside)}; fixed events on a closed day: "
            f"{len(report.conflicts)}"
        ),
        *_unsure_summary(report),
        Text(""),
    ]
    listed: Sequence[Outcome] = report.outcomes
    if len(listed) > LISTED_IN_FULL:
        listed = [o for o in report.outcomes if o.outside_target or o.conflicts]
    people = table("Participants")
    for name in ("ID", "Name", "School", "Calendar", "Start", "Verdict"):
        people.add_column(name, no_wrap=name in {"ID", "Start", "Verdict"})
    for name in ("Weeks\nover", "Days\nout", "Con-\nflicts"):
        people.add_column(name, justify="right", no_wrap=True)
    for outcome in listed:
        people.add_row(
            outcome.participant.id,
            outcome.participant.name,
            outcome.participant.school,
            _calendar_cell(outcome),
            day_text(outcome.start),
            Text(outcome.verdict.value, style=VERDICT_STYLE[outcome.verdict]),
            str(len(outcome.weeks_over)),
            str(len(outcome.days_out)),
            str(len(outcome.conflicts)),
        )
    hidden = len(report.outcomes) - len(listed)
    if listed:
        parts.append(people)
        if hidden:
            parts.append(
                Text(f"{hidden} more within the target and without a conflict; {others_hint}")
            )
    else:
        parts.append(
            Text(
                f"All {hidden} participants are within the target and without a conflict; "
                f"{others_hint}"
            )
        )
    parts.append(Text(""))
    if report.conflicts:
        conflicts = table("Fixed events on a day a participant's school is closed")
        for name in ("Date", "Event", "Council", "Why", "Participants"):
            conflicts.add_column(name, no_wrap=name == "Date")
        for group in report.conflicts:
            conflicts.add_row(
                day_text(group.day, weekday=True),
                group.component,
                group.calendar,
                group.why,
                KeptTogether(_named(group.named)),
            )
        parts.append(conflicts)
    else:
        parts.append(Text("No fixed event falls on a day a participant's school is closed."))
    parts.append(Text(""))
    if report.cover:
        cover = table("Cover: days out of school")
        cover.add_column("School")
        cover.add_column("Month", no_wrap=True)
        cover.add_column("Days", justify="right")
        for item in report.cover:
            cover.add_row(item.school, item.month, str(item.days))
        parts.append(cover)
    else:
        parts.append(Text("No day out of school."))
    return Group(*parts)


def candidates_view(
    candidates: Sequence[Candidate],
    participants: int,
    days: int,
    unsure: Sequence[UnsureCalendar] = (),
) -> Group:
    notes = [
        Text(f"{c.name}: {unsure_years_text(c.estimated_years, c.provisional_years)}", "yellow")
        for c in unsure
    ]
    if not candidates:
        return Group(Text(f"No run of {days} weekdays in one week between those months."), *notes)
    listing = table(f"Dates for a {days}-day event, ranked {RANKING_RULE}")
    listing.add_column("Days", no_wrap=True)
    listing.add_column(f"In term\n(of {participants})", justify="right")
    listing.add_column("Out of\nterm", justify="right")
    listing.add_column("Councils\naffected", justify="right")
    listing.add_column("Not in term")
    shown = candidates[:LISTED_DATES]
    for candidate in shown:
        when = day_text(candidate.first, weekday=True)
        if candidate.last != candidate.first:
            when += f" – {day_text(candidate.last, weekday=True)}"
        away = [f"{c.calendar}: {c.out_of_term} ({c.why})" for c in candidate.away]
        listing.add_row(
            when,
            str(candidate.in_term),
            str(candidate.out_of_term),
            str(len(candidate.away)),
            KeptTogether("; ".join(away) or "everyone is in term"),
        )
    parts: list[RenderableType] = [listing]
    if len(candidates) > len(shown):
        parts.append(
            Text(f"{len(candidates) - len(shown)} more dates; --format csv or json lists every one")
        )
    return Group(*parts, *notes)


def _unsure_summary(report: CohortReport) -> list[Text]:
    estimated = sum(bool(o.estimated_years) for o in report.outcomes)
    provisional = sum(bool(o.provisional_years) for o in report.outcomes)
    if not estimated and not provisional:
        return []
    return [
        Text(
            f"Planned on estimated term dates: {estimated}; on provisional ones: {provisional} "
            "(no council has published those years yet, or only one source has)",
            style="yellow",
        )
    ]


def _calendar_cell(outcome: Outcome) -> str:
    name = outcome.participant.calendar or Path(outcome.participant.terms or "").name
    unsure = unsure_years_text(outcome.estimated_years, outcome.provisional_years)
    return f"{name} ({unsure})" if unsure else name


def _named(names: Sequence[str]) -> str:
    shown = ", ".join(names[:NAMED_AWAY])
    more = len(names) - NAMED_AWAY
    return f"{shown} and {more} more" if more > 0 else shown
