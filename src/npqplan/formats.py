"""Every machine-readable output: plans, hours reports, status and the log as JSON, CSV and
Markdown text for scripts and documents. Deterministic, no I/O; the README documents each."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from npqplan.cohort import RANKING_RULE, Candidate, CohortReport, school_files
from npqplan.hours import HoursReport
from npqplan.plan import Plan, Session, Week
from npqplan.progress import ENGAGEMENT_THRESHOLD, LogEntry, ProgressReport
from npqplan.render.words import clock_text, describe_session, hours_text, round_hours


def json_hours(value: float) -> float | int:
    """Whole hours as integers in JSON (`2`, not `2.0`); quarter hours as they are."""
    return int(value) if value == int(value) else value


def session_dict(session: Session) -> dict[str, Any]:
    return {
        "component": session.component,
        "kind": session.kind.value,
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
        "weeks": [week_dict(w) for w in plan.weeks],
    }


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
    "fixed",
)


def plan_csv(plan: Plan) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for week in plan.weeks:
        for session in week.sessions:
            writer.writerow(
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
                    "yes" if session.fixed else "no",
                ]
            )
    return buffer.getvalue()


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
            "planned_hours": json_hours(progress.planned),
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
        "replanned_on": report.replanned_on.isoformat() if report.replanned_on else None,
        "done_hours": round_hours(report.done_hours),
        "planned_hours_to_date": round_hours(report.planned_hours_to_date),
        "total_hours": round_hours(report.total_hours),
        "behind_hours": round_hours(report.behind_hours),
        "ahead_hours": round_hours(report.ahead_hours),
        "behind_weeks": round(report.behind_weeks, 1),
        "ahead_weeks": round(report.ahead_weeks, 1),
        "pace_hours_per_week": round_hours(report.pace),
        "engagement": None if engagement is None else round(engagement, 4),
        "engagement_threshold": ENGAGEMENT_THRESHOLD,
        "engagement_ok": report.engagement_ok,
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

LOG_CSV_COLUMNS = ("id", "date", "hours", "component", "note")


def log_csv(entries: Sequence[LogEntry]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(LOG_CSV_COLUMNS)
    for entry in entries:
        writer.writerow(
            [
                entry.id,
                entry.day.isoformat(),
                hours_text(entry.hours),
                entry.component or "",
                entry.note or "",
            ]
        )
    return buffer.getvalue()


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
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COHORT_CSV_COLUMNS, lineterminator="\n", restval="")
    writer.writeheader()
    for item in cohort_dict(report, out)["participants"]:
        row = {key: value for key, value in item.items() if key != "conflicts"}
        writer.writerow({**row, "record": "participant", "weeks_over": len(item["weeks_over"])})
    for group in report.conflicts:
        writer.writerow(
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
        writer.writerow(
            {"record": "cover", "school": cover.school, "month": cover.month, "days": cover.days}
        )
    return buffer.getvalue()


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
            f"{_markdown_cell(item['calendar'])} | {item['start']} | {item['verdict']} | "
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
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COVER_CSV_COLUMNS)
    for cover in report.cover_days:
        writer.writerow(
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
        )
    return buffer.getvalue()


INDEX_CSV_COLUMNS = ("file", "what", "id", "name", "school")


def index_csv(report: CohortReport) -> str:
    """`index.csv`: every file a cohort run writes beside it, and whom it is for."""
    schools = school_files(outcome.participant.school for outcome in report.outcomes)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(INDEX_CSV_COLUMNS)
    writer.writerow([COVER_FILE, "days out of school, for cover", "", "", ""])
    for school, name in schools.items():
        writer.writerow([name, "the school's calendar of its staff out of school", "", "", school])
    for outcome in report.outcomes:
        who = outcome.participant
        for name, what in zip(participant_files("", who.id), PARTICIPANT_FILES, strict=True):
            writer.writerow([name.lstrip("/"), what, who.id, who.name, who.school])
    return buffer.getvalue()


def candidates_dict(
    candidates: Sequence[Candidate], participants: int, days: int, first: date, last: date
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
    }


def candidates_json(
    candidates: Sequence[Candidate], participants: int, days: int, first: date, last: date
) -> str:
    data = candidates_dict(candidates, participants, days, first, last)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def away_text(candidate: Candidate) -> str:
    """`Kent County Council: 12 (Half-term); ...`: each council out of term, with why."""
    return "; ".join(f"{c.calendar}: {c.out_of_term} ({c.why})" for c in candidate.away)


def candidates_csv(candidates: Sequence[Candidate]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("first", "last", "in_term", "out_of_term", "councils_affected", "not_in_term"))
    for candidate in candidates:
        writer.writerow(
            (
                candidate.first.isoformat(),
                candidate.last.isoformat(),
                candidate.in_term,
                candidate.out_of_term,
                len(candidate.away),
                away_text(candidate),
            )
        )
    return buffer.getvalue()


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
