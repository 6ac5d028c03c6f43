"""The log store (a real SQLite file), stored re-plans and the progress figures."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta
from pathlib import Path

import pytest

from npqplan import current, progress, store
from npqplan.cli import options
from npqplan.errors import StateError, UsageError
from npqplan.plan import Plan, Session, Week
from npqplan.request import PlanRequest, make_plan
from npqplan.scheduling import replan
from npqplan.schema import ComponentKind, Delivery


def session(day: date, component: str, hours: float, occurrence: int = 1) -> Session:
    start = time(16, 30)
    minutes = int(hours * 60)
    end = time(16 + (30 + minutes) // 60, (30 + minutes) % 60)
    return Session(
        day=day,
        start=start,
        component=component,
        term="Term one",
        occurrence=occurrence,
        kind=ComponentKind.SELF_STUDY,
        delivery=Delivery.SELF_DIRECTED,
        end_date=day,
        end=end,
        all_day=False,
        minutes=round(hours * 60),
        fixed=False,
    )


MONDAY = date(2024, 9, 2)


def small_plan() -> Plan:
    """Four weeks: reading 1 h a week on Tuesdays, a journal half hour in weeks 2 and 4."""
    weeks = []
    for index in range(4):
        monday = MONDAY + timedelta(weeks=index)
        sessions = [session(monday + timedelta(days=1), "Reading", 1, index + 1)]
        if index % 2:
            sessions.append(session(monday + timedelta(days=3), "Journal", 0.5, index // 2 + 1))
        weeks.append(
            Week(monday, f"Term one · week {index + 1}", False, "Term one", tuple(sessions))
        )
    return Plan(
        programme_id="tiny",
        title="Tiny",
        provider="Nobody",
        start=MONDAY,
        taught_end=MONDAY + timedelta(days=27),
        end=MONDAY + timedelta(days=27),
        target=(1, 2),
        calendar_name="test",
        weeks=tuple(weeks),
    )


def entry(day: date, hours: float, component: str | None = None) -> progress.LogEntry:
    return progress.LogEntry(0, day, round(hours * 60), component, None)


# -- parsing what people type -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("1.5", 90), ("0.25", 15), (".5", 30), ("24", 1440), ("2.", 120), ("0.83", 50),
        ("50m", 50), ("50 min", 50), ("90 min", 90), ("1h20", 80), ("1h 20m", 80),
        ("1 h 20 min", 80), ("1:20", 80), ("0:45", 45), ("2 hours", 120), ("1.5h", 90),
        ("45 MINS", 45),
    ],
)  # fmt: skip
def test_a_length_of_study_is_read_the_way_people_write_it(text: str, minutes: int) -> None:
    assert options.logged_minutes(text) == minutes


TIME_EXAMPLES = "give how long you studied, like 50m, 1h20, 1:20, 1.5 (hours) or 90 min"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0", "TIME 0: log at least one minute"),
        ("0m", "TIME 0m: log at least one minute"),
        ("-1", f"TIME '-1': {TIME_EXAMPLES}"),
        ("abc", f"TIME 'abc': {TIME_EXAMPLES}"),
        ("nan", f"TIME 'nan': {TIME_EXAMPLES}"),
        ("inf", f"TIME 'inf': {TIME_EXAMPLES}"),
        ("1e1", f"TIME '1e1': {TIME_EXAMPLES}"),
        ("1:75", f"TIME '1:75': {TIME_EXAMPLES}"),
        ("h", f"TIME 'h': {TIME_EXAMPLES}"),
        ("25", "TIME 25: a day has only 24 hours"),
        ("24h1", "TIME 24h1: a day has only 24 hours"),
        ("--componet", "no such option: --componet; see 'npqplan log --help'"),
    ],
)
def test_a_bad_length_is_refused_with_one_line(text: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        options.logged_minutes(text)
    assert caught.value.message == message


def test_components_match_in_any_case() -> None:
    assert progress.match_component("  jOURNAL ", small_plan()) == "Journal"


def test_an_unknown_component_gets_a_did_you_mean() -> None:
    with pytest.raises(UsageError) as caught:
        progress.match_component("jornal", small_plan())
    assert caught.value.message == (
        "'jornal': your plan has no such component; did you mean 'Journal'? "
        "it has 'Reading', 'Journal'"
    )


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("learning jornal", "Learning journal"),
        ("jornal", "Learning journal"),
    ],
)
def test_a_misspelt_or_partial_name_suggests_the_nearest_component(typed: str, meant: str) -> None:
    _, plan, _ = npqel()
    with pytest.raises(UsageError, match=f"did you mean {meant!r}"):
        progress.match_component(typed, plan)


def test_a_component_like_nothing_gets_the_list() -> None:
    with pytest.raises(UsageError, match=r"no such component; it has 'Reading', 'Journal'$"):
        progress.match_component("coaching", small_plan())


def test_a_day_must_be_inside_the_plan_and_not_after_today() -> None:
    plan = small_plan()
    progress.check_log_day(MONDAY, plan, MONDAY)
    with pytest.raises(UsageError, match="outside your plan, which runs from 2024-09-02"):
        progress.check_log_day(MONDAY - timedelta(days=1), plan, MONDAY)
    with pytest.raises(UsageError, match=r"after today \(2024-09-02\)"):
        progress.check_log_day(MONDAY + timedelta(days=1), plan, MONDAY)


# -- the store ----------------------------------------------------------------------------------


def test_entries_are_stored_listed_and_undone(tmp_path: Path) -> None:
    first = store.add_entry(tmp_path, date(2024, 9, 3), 90, "Reading", "chapter 1")
    second = store.add_entry(tmp_path, date(2024, 9, 2), 30, None, None)
    assert store.log_entries(tmp_path) == [second, first]
    assert store.remove_entry(tmp_path, first.id) == first
    assert store.log_entries(tmp_path) == [second]
    assert store.remove_entry(tmp_path, first.id) is None
    assert store.logged_hours_by_day(tmp_path) == {date(2024, 9, 2): 0.5}


def test_a_day_holds_at_most_24_hours_across_its_entries(tmp_path: Path) -> None:
    day = date(2024, 9, 3)
    store.add_entry(tmp_path, day, 20 * 60, None, None)
    with pytest.raises(UsageError) as caught:
        store.add_entry(tmp_path, day, 4 * 60 + 15, None, None)
    store.add_entry(tmp_path, day, 4 * 60, None, None)
    assert [e.minutes for e in store.log_entries(tmp_path)] == [1200, 240]
    assert caught.value.message == (
        "2024-09-03 already has 20 h logged; another 4.25 h would make more than 24 h in one day"
    )


def test_reading_the_log_without_a_state_file_makes_none(tmp_path: Path) -> None:
    assert store.log_entries(tmp_path) == []
    assert store.current_request(tmp_path) is None
    assert store.exported_events(tmp_path, "npqel@2024-09-01") == []
    assert not store.database_path(tmp_path).exists()


def test_the_schema_refuses_impossible_rows(tmp_path: Path) -> None:
    import sqlite3

    with store.connect(tmp_path) as db:
        for day, minutes in (("2024-9-3", 60), ("2024-09-03", 0), ("2024-09-03", 1441)):
            with pytest.raises(sqlite3.IntegrityError):
                db.execute("INSERT INTO log_entries (day, minutes) VALUES (?, ?)", (day, minutes))


# -- stored re-plans ----------------------------------------------------------------------------


REPLANNED_ON = date(2025, 1, 20)


def npqel() -> tuple[PlanRequest, Plan, Plan]:
    request = PlanRequest(programme="npqel", start="2024-09")
    planned = make_plan(request, None)
    re_planned = replan(
        planned.plan, planned.programme, planned.calendar, {}, REPLANNED_ON, planned.preferences
    )
    return request, planned.plan, re_planned


def stored(plan: Plan, done: dict[str | None, int] | None = None) -> store.StoredReplan:
    return store.StoredReplan(REPLANNED_ON, done or {}, {"busy": "x"}, plan)


def test_a_plan_survives_its_json_exactly() -> None:
    _, plan, re_planned = npqel()
    assert store.decode_plan(store.encode_plan(plan)) == plan
    assert store.decode_plan(store.encode_plan(re_planned)) == re_planned
    assert store.plan_fingerprint(plan) != store.plan_fingerprint(re_planned)


def test_stored_replans_are_found_only_for_their_request_in_order(tmp_path: Path) -> None:
    request, plan, re_planned = npqel()
    base = store.plan_fingerprint(plan)
    assert store.stored_replans(tmp_path, request) == []
    store.save_replan(tmp_path, request, base, stored(plan, {None: 30, "Reading": 5}))
    store.save_replan(tmp_path, request, base, stored(re_planned))
    assert store.stored_replans(tmp_path, request) == [
        stored(plan, {None: 30, "Reading": 5}),
        stored(re_planned),
    ]
    other = replace(request, weekly_cap=1.5)
    assert store.stored_replans(tmp_path, other) == []


def test_the_current_plan_is_the_replan_until_a_new_request_is_saved(tmp_path: Path) -> None:
    request, plan, re_planned = npqel()
    with pytest.raises(StateError, match="make one with 'npqplan schedule PROGRAMME --start"):
        current.plans(tmp_path, None, None)
    assert not store.database_path(tmp_path).exists()
    store.save_current_request(tmp_path, request)
    assert current.plans(tmp_path, None, None).current.plan == plan
    store.save_replan(tmp_path, request, store.plan_fingerprint(plan), stored(re_planned))
    found = current.plans(tmp_path, None, None)
    assert (found.current.plan, found.scheduled.plan) == (re_planned, plan)
    assert found.replanned_on == REPLANNED_ON
    store.save_current_request(tmp_path, replace(request, study_days="mon,wed"))
    assert current.plans(tmp_path, None, None).replanned_on is None
    assert current.plans(tmp_path, None, None).current.plan != re_planned


@pytest.mark.parametrize(
    ("saved", "reason"),
    [
        ("not json", "the saved plan in"),
        ("[1, 2]", "the saved plan in"),
        ('{"programme": "npqel", "start": 5}', "the saved plan in"),
        (
            '{"programme": "npqel", "start": "2024-09", "session_hours": -5}',
            "session_hours that cannot be used",
        ),
        (
            '{"programme": "npqel", "start": "2024-13"}',
            "start that cannot be used (2024-13: no such month",
        ),
    ],
)
def test_a_damaged_saved_plan_names_the_state_file_never_a_flag(
    saved: str, reason: str, tmp_path: Path
) -> None:
    store.save_current_request(tmp_path, PlanRequest(programme="npqel", start="2024-09"))
    with store.connect(tmp_path) as db, store.transaction(db):
        db.execute("UPDATE current_plan SET request = ?", (saved,))
    with pytest.raises(StateError) as caught:
        current.plans(tmp_path, None, None)
    assert reason in caught.value.message
    assert str(store.database_path(tmp_path)) in caught.value.message
    assert "--" not in caught.value.message


# -- progress figures ---------------------------------------------------------------------------


def test_progress_counts_sessions_before_today_and_logs_up_to_today() -> None:
    plan = small_plan()
    today = date(2024, 9, 17)  # weeks 1-2 are due (2.5 h); week 3's Tuesday is today
    logs = [
        entry(date(2024, 9, 3), 1, "Reading"),
        entry(date(2024, 9, 12), 0.25, None),
        entry(date(2024, 9, 17), 0.5, "Reading"),
        entry(date(2024, 9, 20), 3, "Reading"),  # after today: not counted
    ]
    report = progress.progress(plan, plan, logs, today)
    assert report.done_hours == 1.75
    assert report.planned_hours_to_date == 2.5
    assert report.behind_hours == 0.75
    assert report.ahead_hours == 0
    assert report.pace == 5 / 4
    assert report.behind_weeks == pytest.approx(0.6)
    assert report.engagement == 0.7
    assert not report.engagement_ok
    assert report.unattributed_hours == 0.25
    assert report.components == (
        progress.ComponentProgress("Reading", 1.5, 2, 4),
        progress.ComponentProgress("Journal", 0, 0.5, 1),
    )
    assert [s.day for s in report.next_sessions] == [
        date(2024, 9, 17),
        date(2024, 9, 24),
        date(2024, 9, 26),
    ]
    assert [(p.planned_hours, p.done_hours) for p in report.burn_up] == [
        (1, 1),
        (2.5, 1.25),
        (3.5, 1.75),
        (5, None),
    ]


def test_engagement_is_capped_and_undefined_before_anything_is_due() -> None:
    plan = small_plan()
    ahead = progress.progress(plan, plan, [entry(MONDAY, 6)], date(2024, 9, 4))
    assert (ahead.engagement, ahead.behind_hours, ahead.ahead_hours) == (1.0, 0, 5)
    first_day = progress.progress(plan, plan, [], MONDAY)
    assert first_day.engagement is None
    assert first_day.engagement_ok


def test_engagement_is_measured_against_the_plan_as_scheduled() -> None:
    scheduled = small_plan()
    trimmed = replace(
        scheduled,
        weeks=tuple(replace(w, sessions=w.sessions[:1]) for w in scheduled.weeks),
    )
    report = progress.progress(trimmed, scheduled, [entry(MONDAY, 2)], date(2024, 9, 16))
    assert report.planned_hours_to_date == 2
    assert report.behind_hours == 0
    assert report.scheduled_hours_to_date == 2.5
    assert report.engagement == 0.8


def test_logs_for_components_the_plan_no_longer_has_still_show() -> None:
    plan = small_plan()
    report = progress.progress(plan, plan, [entry(MONDAY, 1, "Coaching")], date(2024, 9, 4))
    assert report.components[-1] == progress.ComponentProgress("Coaching", 1, 0, 0)
