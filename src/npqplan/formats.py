"""Every machine-readable output: plans, hours reports, status and the log as JSON, CSV and
Markdown text for scripts and documents. Deterministic, no I/O; the README documents each."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from npqplan.agenda import Agenda, SessionState
from npqplan.backtest import Backtest
from npqplan.cohort import (
    RANKING_RULE,
    Candidate,
    CohortReport,
    UnsureCalendar,
    school_files,
)
from npqplan.hours import HoursReport
from npqplan.loader import ProgrammeEntry
from npqplan.plan import Plan, Session, Week
from npqplan.progress import ENGAGEMENT_THRESHOLD, LogEntry, ProgressReport
from npqplan.render.words import (
    busy_read_text,
    clock_text,
    describe_session,
    hours_text,
    round_hours,
    unsure_years_text,
)
from npqplan.schema import Programme, TermDatesFile


def json_hours(value: float) -> float | int:
    """Whole hours as integers in JSON (`2`, not `2.0`); quarter hours as they are."""
    return int(value) if value == int(value) else value


# A spreadsheet (Excel, LibreOffice, Google Sheets) runs a cell that starts with one of these as
# a formula: `=HYPERLINK(...)` in a school's name would become a live link. OWASP ASVS 1.2.10
# and CWE-1236 advise a leading single quote, which spreadsheets read as "this is text".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> str:
    """A CSV cell as text that no spreadsheet reads as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    # The csv module quotes a field with a line break only if it is one of its own line ends.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The one way npqplan writes CSV: a header, then every cell made safe to open."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([spreadsheet_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def session_dict(session: Session) -> dict[str, Any]:
    return {
        "component": session.component,
        "kind": session.kind.value,
        "delivery": session.delivery.value,
        "catch_up": session.catch_up,
        "term": session.term,
        "date": session.day.isoformat(),
        "end_date": session.end_date.isoformat(),
        "start": clock_text(session.start),
        "end": clock_text(session.end),
        "all_day": session.all_day,
        "hours": json_hours(session.hours),
        "minutes": session.minutes,
        "fixed": session.fixed,
    }


def week_dict(week: Week) -> dict[str, Any]:
    return {
        "week_start": week.week_start.isoformat(),
        "label": week.label,
        "holiday": week.holiday,
        "hours": json_hours(week.hours),
        "minutes": week.minutes,
        "sessions": [session_dict(s) for s in week.sessions],
    }


def plan_dict(plan: Plan) -> dict[str, Any]:
    return {
        "programme": plan.programme_id,
        "title": plan.title,
        "start": plan.start.isoformat(),
        "end": plan.end.isoformat(),
        "target": [json_hours(plan.target[0]), json_hours(plan.target[1])],
        "total_hours": json_hours(plan.total_hours),
        "total_minutes": plan.total_minutes,
        "calendar": plan.calendar_name,
        "warnings": list(plan.warnings),
        "notes": list(plan.notes),
        "moved_for_busy": plan.moved_for_busy,
        "clashes": [session_dict(s) for s in plan.clashes],
        "estimated_years": list(plan.estimated_years),
        "provisional_years": list(plan.provisional_years),
        "busy_calendars": [
            {
                "file": read.file,
                "times": read.times,
                "events": read.events,
                "free": read.free,
                "free_all_day": read.free_all_day,
                "cancelled": read.cancelled,
                "without_start": read.without_start,
                "not_followed": read.not_followed,
                "summary": busy_read_text(read),
            }
            for read in plan.busy_read
        ],
        "weeks": [week_dict(w) for w in plan.weeks],
    }


def agenda_dict(agenda: Agenda) -> dict[str, Any]:
    """`npqplan today` and `week`: each session with the number done and missed take."""
    return {
        "today": agenda.today.isoformat(),
        "day": agenda.day.isoformat() if agenda.day else None,
        "week_start": agenda.week_start.isoformat(),
        "week_label": agenda.week_label,
        "minutes": agenda.minutes,
        **{f"{state.name.lower()}_minutes": agenda.minutes_in(state) for state in SessionState},
        "sessions": [
            {"number": item.number, "state": item.state.value, **session_dict(item.session)}
            for item in agenda.items
        ],
    }


def agenda_json(agenda: Agenda) -> str:
    return json.dumps(agenda_dict(agenda), indent=2, ensure_ascii=False) + "\n"


def plan_json(plan: Plan) -> str:
    return json.dumps(plan_dict(plan), indent=2, ensure_ascii=False) + "\n"


CSV_COLUMNS = (
    "week_start",
    "week_label",
    "date",
    "end_date",
    "start",
    "end",
    "all_day",
    "component",
    "kind",
    "term",
    "hours",
    "minutes",
    "fixed",
)


def plan_csv(plan: Plan) -> str:
    return csv_text(
        CSV_COLUMNS,
        (
            [
                week.week_start.isoformat(),
                week.label,
                session.day.isoformat(),
                session.end_date.isoformat(),
                clock_text(session.start) or "",
                clock_text(session.end) or "",
                "yes" if session.all_day else "no",
                session.component,
                session.kind.value,
                session.term,
                hours_text(session.hours),
                session.minutes,
                "yes" if session.fixed else "no",
            ]
            for week in plan.weeks
            for session in week.sessions
        ),
    )


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|")


def plan_markdown(plan: Plan) -> str:
    lines = [
        f"# {plan.title}",
        "",
        f"- Provider: {plan.provider}",
        f"- Dates: {plan.start.isoformat()} to {plan.end.isoformat()}",
        f"- Total: {hours_text(plan.total_hours)} h; target "
        f"{hours_text(plan.target[0])}–{hours_text(plan.target[1])} h a week",
        f"- Calendar: {plan.calendar_name}",
        "",
        "| Week of | Week | Hours | Sessions |",
        "| --- | --- | ---: | --- |",
    ]
    for week in plan.weeks:
        sessions = "<br>".join(_markdown_cell(describe_session(s)) for s in week.sessions)
        lines.append(
            f"| {week.week_start.isoformat()} | {_markdown_cell(week.label)} | "
            f"{hours_text(week.hours)} | {sessions} |"
        )
    for warning in plan.warnings:
        lines.append(f"\n> {warning}")
    return "\n".join(lines) + "\n"


# -- check-hours ------------------------------------------------------------------------------


def hours_report_dict(report: HoursReport) -> dict[str, Any]:
    """The documented `check-hours --format json` object (README: "Checking the weekly hours")."""
    plan = report.plan
    peak = report.peak_week
    data: dict[str, Any] = {
        "programme": plan.programme_id,
        "title": plan.title,
        "start": plan.start.isoformat(),
        "end": plan.end.isoformat(),
        "calendar": plan.calendar_name,
        "target": [json_hours(plan.target[0]), json_hours(plan.target[1])],
        "weeks": len(plan.weeks),
        "term_weeks": len(report.term_weeks),
        "total_hours": json_hours(report.total_hours),
        "declared_total": None if plan.declared_total is None else json_hours(plan.declared_total),
        "route_map_hours": json_hours(report.route_map_hours),
        "assessment_hours": json_hours(report.assessment_hours),
        "average_hours_per_week": report.average_hours_per_week,
        "average_hours_per_term_week": report.average_hours_per_term_week,
        "terms": [
            {
                "term": term.name,
                "weeks": term.weeks,
                "term_weeks": term.term_weeks,
                "hours": json_hours(term.hours),
                "average_hours_per_week": term.average_hours_per_week,
                "average_hours_per_term_week": term.average_hours_per_term_week,
            }
            for term in report.terms
        ],
        "rolling_4_week": [
            {
                "first_week": w.first.isoformat(),
                "last_week": w.last.isoformat(),
                "average": w.average,
                "excused": w.excused,
            }
            for w in report.windows
        ],
        "peak_week": {"week_start": peak.week_start.isoformat(), "hours": json_hours(peak.hours)},
        "clashes": [session_dict(s) for s in plan.clashes],
        "weeks_over": [f.week.week_start.isoformat() for f in report.weeks_over],
        "weeks_under": [f.week.week_start.isoformat() for f in report.weeks_under],
        "flagged_weeks": [
            {
                "week_start": f.week.week_start.isoformat(),
                "hours": json_hours(f.week.hours),
                "flag": flag,
                "excused": f.excused,
                "sessions": [session_dict(s) for s in f.week.sessions],
            }
            for flag, flagged in (("over", report.weeks_over), ("under", report.weeks_under))
            for f in flagged
        ],
        "out_of_school": {
            "days": report.out_of_school_days,
            "hours": json_hours(report.out_of_school_hours),
        },
        "verdict": report.verdict.value,
        "reasons": list(report.reasons),
    }
    if report.progress is not None:
        progress = report.progress
        data["progress"] = {
            "today": progress.today.isoformat(),
            "logged_hours": json_hours(progress.logged),
            "logged_minutes": round(progress.logged * 60),
            "planned_hours": json_hours(progress.planned),
            "planned_minutes": round(progress.planned * 60),
            "term_weeks": progress.term_weeks,
            "target_hours": [json_hours(h) for h in progress.target_range],
            "against_target": progress.against_target.value,
        }
    return data


def hours_json(reports: Sequence[HoursReport], *, many: bool) -> str:
    """One report's object, or a list of them for `--all-starts`."""
    data = [hours_report_dict(report) for report in reports]
    return json.dumps(data if many else data[0], indent=2, ensure_ascii=False) + "\n"


# -- status -----------------------------------------------------------------------------------


def status_dict(plan: Plan, report: ProgressReport) -> dict[str, Any]:
    engagement = report.engagement
    return {
        "programme": plan.programme_id,
        "today": report.today.isoformat(),
        "calendar": plan.calendar_name,
        "estimated_years": list(plan.estimated_years),
        "provisional_years": list(plan.provisional_years),
        "replanned_on": report.replanned_on.isoformat() if report.replanned_on else None,
        "done_hours": round_hours(report.done_hours),
        "done_minutes": round(report.done_hours * 60),
        "planned_hours_to_date": round_hours(report.planned_hours_to_date),
        "planned_minutes_to_date": round(report.planned_hours_to_date * 60),
        "behind_minutes": round(report.behind_hours * 60),
        "total_hours": round_hours(report.total_hours),
        "behind_hours": round_hours(report.behind_hours),
        "ahead_hours": round_hours(report.ahead_hours),
        "behind_weeks": round(report.behind_weeks, 1),
        "ahead_weeks": round(report.ahead_weeks, 1),
        "pace_hours_per_week": round_hours(report.pace),
        "engagement": None if engagement is None else round(engagement, 4),
        # The threshold applies where the provider has no rule of its own; with no verdict to
        # give, engagement_ok is null and engagement_not_measured says why.
        "engagement_threshold": None if report.engagement_rule else ENGAGEMENT_THRESHOLD,
        "engagement_ok": None if report.engagement_unmeasured else report.engagement_ok,
        "engagement_not_measured": report.engagement_unmeasured,
        "live_engagement": _share(report.live_engagement),
        "self_directed_engagement": _share(report.self_directed_engagement),
        "engagement_rule": _rule(report.engagement_rule),
        "scheduled_hours_to_date": round_hours(report.scheduled_hours_to_date),
        "unattributed_hours": round_hours(report.unattributed_hours),
        "components": [
            {
                "name": item.name,
                "done_hours": round_hours(item.done_hours),
                "planned_hours_to_date": round_hours(item.planned_to_date),
                "total_hours": round_hours(item.total_hours),
            }
            for item in report.components
        ],
        "burn_up": [
            {
                "week_start": point.week_start.isoformat(),
                "planned_hours": round_hours(point.planned_hours),
                "done_hours": None if point.done_hours is None else round_hours(point.done_hours),
            }
            for point in report.burn_up
        ],
        "next_sessions": [session_dict(s) for s in report.next_sessions],
        "missed_events": [session_dict(s) for s in report.missed_events],
    }


def _rule(rule: tuple[int | None, int | None] | None) -> dict[str, int | None] | None:
    if rule is None:
        return None
    return {"live_percent": rule[0], "self_directed_percent": rule[1]}


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def status_json(plan: Plan, report: ProgressReport) -> str:
    return json.dumps(status_dict(plan, report), indent=2, ensure_ascii=False) + "\n"


# -- the log ----------------------------------------------------------------------------------

LOG_CSV_COLUMNS = ("id", "date", "hours", "minutes", "component", "note")


def log_csv(entries: Sequence[LogEntry]) -> str:
    return csv_text(
        LOG_CSV_COLUMNS,
        (
            [
                entry.id,
                entry.day.isoformat(),
                hours_text(entry.hours),
                entry.minutes,
                entry.component or "",
                entry.note or "",
            ]
            for entry in entries
        ),
    )


# -- cohorts ----------------------------------------------------------------------------------


COVER_FILE, INDEX_FILE = "cover.csv", "index.csv"
PARTICIPANT_FILES = ("the participant's calendar", "the participant's plan (JSON)")


def participant_files(out: str, participant_id: str) -> tuple[str, str]:
    """Where a cohort run writes a participant's calendar and plan, as the user named the folder."""
    return f"{out.rstrip('/')}/{participant_id}.ics", f"{out.rstrip('/')}/{participant_id}.json"


def cohort_dict(report: CohortReport, out: str) -> dict[str, Any]:
    """The documented `cohort plan --format json` object (README: "For providers and hubs")."""
    schools = school_files(outcome.participant.school for outcome in report.outcomes)
    participants = []
    for outcome in report.outcomes:
        ics_file, plan_file = participant_files(out, outcome.participant.id)
        participants.append(
            {
                "id": outcome.participant.id,
                "name": outcome.participant.name,
                "school": outcome.participant.school,
                "calendar": outcome.calendar,
                "start": outcome.start.isoformat(),
                "verdict": outcome.verdict.value,
                "weeks_over": [week.isoformat() for week in outcome.weeks_over],
                "days_out_of_school": len(outcome.days_out),
                "conflicts": len(outcome.conflicts),
                "estimated_years": list(outcome.estimated_years),
                "provisional_years": list(outcome.provisional_years),
                "ics": ics_file,
                "plan": plan_file,
                "school_ics": f"{out.rstrip('/')}/{schools[outcome.participant.school]}",
            }
        )
    return {
        "programme": report.programme,
        "title": report.title,
        "out": out,
        "participants": participants,
        "conflicts": [
            {
                "component": group.component,
                "date": group.day.isoformat(),
                "why": group.why,
                "calendar": group.calendar,
                "participants": list(group.participants),
                "names": list(group.names),
            }
            for group in report.conflicts
        ],
        "cover": [
            {"school": cover.school, "month": cover.month, "days": cover.days}
            for cover in report.cover
        ],
    }


def cohort_json(report: CohortReport, out: str) -> str:
    return json.dumps(cohort_dict(report, out), indent=2, ensure_ascii=False) + "\n"


COHORT_CSV_COLUMNS = (
    "record",
    "id",
    "name",
    "school",
    "calendar",
    "start",
    "verdict",
    "weeks_over",
    "days_out_of_school",
    "estimated_years",
    "provisional_years",
    "ics",
    "plan",
    "school_ics",
    "component",
    "date",
    "why",
    "participants",
    "month",
    "days",
)


def cohort_csv(report: CohortReport, out: str) -> str:
    """One row per participant, conflict and school-month of cover; `record` says which, and
    the columns that do not apply to it are empty."""
    rows: list[dict[str, Any]] = []
    for item in cohort_dict(report, out)["participants"]:
        row = {key: value for key, value in item.items() if key != "conflicts"}
        years = {key: " ".join(item[key]) for key in ("estimated_years", "provisional_years")}
        rows.append(
            {**row, **years, "record": "participant", "weeks_over": len(item["weeks_over"])}
        )
    for group in report.conflicts:
        rows.append(
            {
                "record": "conflict",
                "calendar": group.calendar,
                "component": group.component,
                "date": group.day.isoformat(),
                "why": group.why,
                "participants": " ".join(group.participants),
                "name": "; ".join(group.names),
            }
        )
    for cover in report.cover:
        rows.append(
            {"record": "cover", "school": cover.school, "month": cover.month, "days": cover.days}
        )
    return csv_text(
        COHORT_CSV_COLUMNS, ([row.get(column, "") for column in COHORT_CSV_COLUMNS] for row in rows)
    )


def _calendar_cell(item: dict[str, Any]) -> str:
    unsure = unsure_years_text(item["estimated_years"], item["provisional_years"])
    return f"{item['calendar']} ({unsure})" if unsure else str(item["calendar"])


def cohort_markdown(report: CohortReport, out: str) -> str:
    data = cohort_dict(report, out)
    outside = len(report.outside_target)
    lines = [
        f"# {report.title}: cohort of {len(report.outcomes)}",
        "",
        f"- Plans and calendars: `{out}`",
        f"- Outside the target: {outside}; fixed events on a closed day: {len(report.conflicts)}",
        "",
        "| id | name | school | calendar | start | verdict | weeks over | days out of school |",
        "| --- | --- | --- | --- | --- | --- | ---: | ---: |",
    ]
    for item in data["participants"]:
        lines.append(
            f"| {_markdown_cell(item['id'])} | {_markdown_cell(item['name'])} | "
            f"{_markdown_cell(item['school'])} | "
            f"{_markdown_cell(_calendar_cell(item))} | {item['start']} | {item['verdict']} | "
            f"{len(item['weeks_over'])} | {item['days_out_of_school']} |"
        )
    lines += ["", "## Fixed events on a closed day", ""]
    if report.conflicts:
        lines += [
            "| date | event | council | why | participants |",
            "| --- | --- | --- | --- | --- |",
        ]
        for group in report.conflicts:
            lines.append(
                f"| {group.day.isoformat()} | {_markdown_cell(group.component)} | "
                f"{_markdown_cell(group.calendar)} | {_markdown_cell(group.why)} | "
                f"{_markdown_cell(', '.join(group.named))} |"
            )
    else:
        lines.append("None.")
    lines += ["", "## Days out of school, for cover", ""]
    if report.cover:
        lines += ["| school | month | days |", "| --- | --- | ---: |"]
        for cover in report.cover:
            lines.append(f"| {_markdown_cell(cover.school)} | {cover.month} | {cover.days} |")
    else:
        lines.append("None.")
    return "\n".join(lines) + "\n"


COVER_CSV_COLUMNS = ("school", "date", "day", "participant", "id", "part", "from", "to", "for",
                     "kind")  # fmt: skip


def cover_csv(report: CohortReport) -> str:
    """`cover.csv`: a row per participant and day out of school, by school, date and name."""
    return csv_text(
        COVER_CSV_COLUMNS,
        (
            [
                cover.school,
                cover.day.isoformat(),
                f"{cover.day:%a}",
                cover.name,
                cover.id,
                cover.part.value,
                clock_text(cover.start) or "",
                clock_text(cover.end) or "",
                cover.component,
                cover.kind,
            ]
            for cover in report.cover_days
        ),
    )


INDEX_CSV_COLUMNS = ("file", "what", "id", "name", "school")


def index_csv(report: CohortReport) -> str:
    """`index.csv`: every file a cohort run writes beside it, and whom it is for."""
    schools = school_files(outcome.participant.school for outcome in report.outcomes)
    rows: list[list[str]] = [[COVER_FILE, "days out of school, for cover", "", "", ""]]
    for school, name in schools.items():
        rows.append([name, "the school's calendar of its staff out of school", "", "", school])
    for outcome in report.outcomes:
        who = outcome.participant
        for name, what in zip(participant_files("", who.id), PARTICIPANT_FILES, strict=True):
            rows.append([name.lstrip("/"), what, who.id, who.name, who.school])
    return csv_text(INDEX_CSV_COLUMNS, rows)


def candidates_dict(
    candidates: Sequence[Candidate],
    participants: int,
    days: int,
    first: date,
    last: date,
    unsure: Sequence[UnsureCalendar] = (),
) -> dict[str, Any]:
    """The documented `cohort dates --format json` object."""
    return {
        "days": days,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "participants": participants,
        "ranking": RANKING_RULE,
        "candidates": [
            {
                "first": candidate.first.isoformat(),
                "last": candidate.last.isoformat(),
                "in_term": candidate.in_term,
                "out_of_term": candidate.out_of_term,
                "councils_affected": len(candidate.away),
                "councils": [
                    {
                        "calendar": council.calendar,
                        "in_term": council.in_term,
                        "out_of_term": council.out_of_term,
                        "why": council.why,
                    }
                    for council in candidate.councils
                ],
            }
            for candidate in candidates
        ],
        "estimated_years": {c.name: list(c.estimated_years) for c in unsure if c.estimated_years},
        "provisional_years": {
            c.name: list(c.provisional_years) for c in unsure if c.provisional_years
        },
    }


def candidates_json(
    candidates: Sequence[Candidate],
    participants: int,
    days: int,
    first: date,
    last: date,
    unsure: Sequence[UnsureCalendar] = (),
) -> str:
    data = candidates_dict(candidates, participants, days, first, last, unsure)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def away_text(candidate: Candidate) -> str:
    """`Kent County Council: 12 (Half-term); ...`: each council out of term, with why."""
    return "; ".join(f"{c.calendar}: {c.out_of_term} ({c.why})" for c in candidate.away)


def candidates_csv(candidates: Sequence[Candidate]) -> str:
    return csv_text(
        ("first", "last", "in_term", "out_of_term", "councils_affected", "not_in_term"),
        (
            (
                c.first.isoformat(),
                c.last.isoformat(),
                c.in_term,
                c.out_of_term,
                len(c.away),
                away_text(c),
            )
            for c in candidates
        ),
    )


def candidates_markdown(candidates: Sequence[Candidate], participants: int) -> str:
    lines = [
        f"Ranked {RANKING_RULE}.",
        "",
        f"| first day | last day | in term (of {participants}) | out of term | councils "
        "affected | not in term |",
        "| --- | --- | ---: | ---: | ---: | --- |",
    ]
    for candidate in candidates:
        lines.append(
            f"| {candidate.first.isoformat()} | {candidate.last.isoformat()} | "
            f"{candidate.in_term} | {candidate.out_of_term} | {len(candidate.away)} | "
            f"{_markdown_cell(away_text(candidate))} |"
        )
    return "\n".join(lines) + "\n"


def backtest_markdown(result: Backtest) -> str:
    """The estimator's backtest as the README's table: one row per bundled council-year."""
    lines = [
        "| calendar | year | days right | weekdays right | worst holiday shift (days) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for score in result.scores:
        year = f"{score.year} (provisional)" if score.provisional else score.year
        lines.append(
            f"| {score.council} | {year} | {score.percent:.1f}% | {score.weekday_percent:.1f}% | "
            f"{score.worst_holiday_shift} |"
        )
    lines.append(
        f"| **all** | | **{result.percent:.1f}%** | **{result.weekday_percent:.1f}%** | "
        f"{max(s.worst_holiday_shift for s in result.scores)} |"
    )
    return "\n".join(lines) + "\n"


# -- one JSON formatter for every listing command ------------------------------------------------

_LOCATED = re.compile(r"^(?P<file>.+?):(?P<line>\d+)(?::(?P<column>\d+))?: (?P<message>.*)$")


@dataclass(frozen=True)
class Validation:
    """What `validate` found in one file: its kind and a summary, or its located problems."""

    file: str
    kind: str | None
    summary: str | None = None
    note: str | None = None
    problems: tuple[str, ...] = ()


def _problem(line: str) -> dict[str, Any]:
    located = _LOCATED.match(line)
    if located is None:
        return {"line": None, "column": None, "message": line}
    column = located["column"]
    return {
        "line": int(located["line"]),
        "column": None if column is None else int(column),
        "message": located["message"],
    }


def _document(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


class JsonFormatter:
    """Every listing command's JSON, one method per thing shown, each a whole document; chosen
    once per command in place of the table formatter (see render/formatter.py)."""

    def programmes(self, entries: Sequence[ProgrammeEntry]) -> str:
        return _document(
            [
                {
                    "id": entry.programme.id,
                    "title": entry.programme.title,
                    "qualification": entry.programme.qualification.value,
                    "provider": entry.programme.provider,
                    "months": entry.programme.duration_months,
                    "total_hours": json_hours(round_hours(entry.programme.total_hours)),
                    "total_minutes": round(entry.programme.total_hours * 60),
                    "plus_sessions_the_calendar_counts": bool(entry.programme.cadenced()),
                    "origin": entry.origin,
                }
                for entry in entries
            ]
        )

    def programme(self, programme: Programme, scheduled: HoursReport | None = None) -> str:
        data = programme.model_dump(mode="json", exclude_none=True)
        data["total_hours"] = json_hours(round_hours(programme.total_hours))
        data["total_minutes"] = round(programme.total_hours * 60)
        data["scheduled"] = (
            None
            if scheduled is None
            else {
                "start": scheduled.plan.start.isoformat(),
                "calendar": scheduled.plan.calendar_name,
                "total_minutes": scheduled.plan.total_minutes,
                "route_map_minutes": round(scheduled.route_map_hours * 60),
                "assessment_minutes": round(scheduled.assessment_hours * 60),
            }
        )
        return _document(data)

    def calendars(self, calendars: Sequence[TermDatesFile], measured: Backtest) -> str:
        """Each calendar, with how often an estimate of each of its published years, made
        without it, was right (the backtest the table's caption sums up)."""
        right: dict[str, dict[str, float]] = {}
        for score in measured.scores:
            right.setdefault(score.council, {})[score.year] = round(score.percent, 1)
        return _document(
            [
                {
                    "id": dates.id,
                    "name": dates.name,
                    "area": dates.area,
                    "years": [year.year for year in dates.years],
                    "provisional": [year.year for year in dates.years if year.provisional],
                    "estimate_percent_of_days_right": right.get(dates.name, {}),
                }
                for dates in calendars
            ]
        )

    def calendar(self, dates: TermDatesFile, not_understood: Sequence[str] = ()) -> str:
        data = dates.model_dump(mode="json", exclude_none=True)
        data["not_understood"] = list(not_understood)
        return _document(data)

    def validation(self, results: Sequence[Validation]) -> str:
        return _document(
            [
                {
                    "file": result.file,
                    "ok": not result.problems,
                    "kind": result.kind,
                    "summary": result.summary,
                    "note": result.note,
                    "errors": [_problem(line) for line in result.problems],
                }
                for result in results
            ]
        )

    def log(self, entries: Sequence[LogEntry]) -> str:
        return _document(
            [
                {
                    "id": entry.id,
                    "date": entry.day.isoformat(),
                    "minutes": entry.minutes,
                    "hours": json_hours(round_hours(entry.hours)),
                    "component": entry.component,
                    "note": entry.note,
                    "session": entry.session,
                }
                for entry in entries
            ]
        )

    def agenda(self, agenda: Agenda) -> str:
        return agenda_json(agenda)
