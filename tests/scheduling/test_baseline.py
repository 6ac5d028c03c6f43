"""Plans of every bundled programme are those of c3938a2, the last plans made by the old
scheduler, except where a rule of the engine says they must differ.

`fixtures/baseline/plans-c3938a2.txt` holds every session of every bundled programme planned
from September 2024 and January 2025 on Kent's calendar with the default preferences, as
c3938a2 made them (one line a session). The engine's rules that could change such a plan
(no sitting under 15 minutes, self-study ending by 21:30, evenings cut short by busy times)
change none of them: c3938a2 made no sitting under 15 minutes and none ending after 21:30 in
these plans, and they have no busy times. So the list of differences, each with its reason,
is empty; a change to the engine that moves any session shows up here by programme and day.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from npqplan.request import PlanRequest, make_plan

BASELINE = Path(__file__).parents[1] / "fixtures" / "baseline" / "plans-c3938a2.txt"
STARTS = ("2024-09", "2025-01")
# (programme, start, session line) -> why the engine places it otherwise now. None so far.
DIFFERENCES_WITH_REASONS: dict[tuple[str, str, str], str] = {}


def session_lines(programme: str, start: str) -> list[str]:
    plan = make_plan(PlanRequest(programme=programme, start=start), None).plan
    return [
        "|".join(
            [
                programme,
                start,
                s.day.isoformat(),
                s.start.strftime("%H:%M") if s.start else "",
                s.end_date.isoformat(),
                s.end.strftime("%H:%M") if s.end else "",
                s.term,
                s.component,
                str(s.minutes),
                "fixed" if s.fixed else "",
            ]
        )
        for s in plan.sessions
    ]


def recorded() -> dict[tuple[str, str], list[str]]:
    found: dict[tuple[str, str], list[str]] = {}
    for line in BASELINE.read_text(encoding="utf-8").splitlines():
        programme, start = line.split("|")[:2]
        found.setdefault((programme, start), []).append(line)
    return found


RECORDED = recorded()


def test_the_baseline_covers_every_bundled_programme_from_both_starts() -> None:
    bundled = sorted(p.stem for p in (Path(__file__).parents[2] / "programmes").glob("*.yaml"))
    assert len(bundled) == 27
    assert sorted(RECORDED) == sorted((p, s) for p in bundled for s in STARTS)


@pytest.mark.parametrize(("programme", "start"), sorted(RECORDED))
def test_a_bundled_plan_differs_from_c3938a2_only_where_a_rule_says(
    programme: str, start: str
) -> None:
    now, then = session_lines(programme, start), RECORDED[(programme, start)]
    differences = [
        *((programme, start, f"now {line}") for line in now if line not in then),
        *((programme, start, f"then {line}") for line in then if line not in now),
    ]
    unexplained = [d for d in differences if d not in DIFFERENCES_WITH_REASONS]
    assert unexplained == []
