"""Plan -> JSON, CSV and Markdown text for scripts and documents. Deterministic, no I/O."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from npqplan.plan import Plan, Session, Week, clock_text


def json_hours(value: float) -> float | int:
    """Whole hours as integers in JSON (`2`, not `2.0`); quarter hours as they are."""
    return int(value) if value == int(value) else value


def session_dict(session: Session) -> dict[str, Any]:
    return {
        "component": session.component,
        "kind": session.kind,
        "term": session.term,
        "date": session.day.isoformat(),
        "end_date": session.end_date.isoformat(),
        "start": clock_text(session.start),
        "end": clock_text(session.end),
        "all_day": session.all_day,
        "hours": json_hours(session.hours),
        "fixed": session.fixed,
    }


def week_dict(week: Week) -> dict[str, Any]:
    return {
        "week_start": week.week_start.isoformat(),
        "label": week.label,
        "holiday": week.holiday,
        "hours": json_hours(week.hours),
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
        "calendar": plan.calendar,
        "warnings": list(plan.warnings),
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
                    session.kind,
                    session.term,
                    f"{session.hours:g}",
                    "yes" if session.fixed else "no",
                ]
            )
    return buffer.getvalue()


def describe_session(session: Session) -> str:
    """`Tue 16:30–17:00 Learning journal (0.5 h)` or `Thu 24–Fri 25 Oct Residential (10 h)`."""
    day = session.day.strftime("%a %d %b").replace(" 0", " ")
    if session.all_day:
        if session.end_date != session.day:
            last = session.end_date.strftime("%a %d %b").replace(" 0", " ")
            when = f"{day} – {last}"
        else:
            when = f"{day}, all day"
    else:
        when = f"{day} {clock_text(session.start)}–{clock_text(session.end)}"
    marker = " [fixed]" if session.fixed else ""
    return f"{when}  {session.component} ({session.hours:g} h){marker}"


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|")


def plan_markdown(plan: Plan) -> str:
    lines = [
        f"# {plan.title}",
        "",
        f"- Provider: {plan.provider}",
        f"- Dates: {plan.start.isoformat()} to {plan.end.isoformat()}",
        f"- Total: {plan.total_hours:g} h; target {plan.target[0]:g}–{plan.target[1]:g} h a week",
        f"- Calendar: {plan.calendar}",
        "",
        "| Week of | Week | Hours | Sessions |",
        "| --- | --- | ---: | --- |",
    ]
    for week in plan.weeks:
        sessions = "<br>".join(_markdown_cell(describe_session(s)) for s in week.sessions)
        lines.append(
            f"| {week.week_start.isoformat()} | {_markdown_cell(week.label)} | "
            f"{week.hours:g} | {sessions} |"
        )
    for warning in plan.warnings:
        lines.append(f"\n> {warning}")
    return "\n".join(lines) + "\n"
