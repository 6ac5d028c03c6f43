"""`npqplan sync` against a real Radicale server on 127.0.0.1, read back with a second client.

The second client is the `caldav` library used directly, as a person's calendar app would be:
it lists what the server holds, adds an event of the person's own, and moves one of ours.
"""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time as clock
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import caldav
import icalendar
import keyring
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from keyring.backends import fail
from typer.testing import CliRunner

from npqplan import caldav_server, caldav_sync, ics, store
from npqplan.cli import app
from tests.conftest import RunCli

USER = "npq"
PASSWORD = "s3cret-app-password"
PROGRAMME = "npqel-llse"  # 20 sessions: a small plan keeps the server round trips few
FOREIGN = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//A person//Their own calendar app//EN\r
BEGIN:VEVENT\r
UID:dentist-2025@example.org\r
DTSTAMP:20240901T090000Z\r
DTSTART:20250114T160000Z\r
DTEND:20250114T170000Z\r
SUMMARY:Dentist\r
END:VEVENT\r
END:VCALENDAR\r
"""


class Radicale:
    """A Radicale server with one user (htpasswd, plain), that can be stopped and started
    again on the same port and storage."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        (folder / "users").write_text(f"{USER}:{PASSWORD}\n")
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        log = (self.folder / "radicale.log").open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "radicale", "--config", "",
                "--server-hosts", f"127.0.0.1:{self.port}",
                "--auth-type", "htpasswd",
                "--auth-htpasswd-filename", str(self.folder / "users"),
                "--auth-htpasswd-encryption", "plain",
                "--auth-delay", "0",
                "--storage-filesystem-folder", str(self.folder / "storage"),
                "--logging-level", "warning",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        deadline = clock.monotonic() + 30
        while clock.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=1),
            ):
                return
            if self.process.poll() is not None:
                break
            threading.Event().wait(0.05)
        self.stop()
        pytest.fail(f"Radicale did not start: {(self.folder / 'radicale.log').read_text()}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def client(self) -> caldav.DAVClient:
        return caldav.DAVClient(url=self.url, username=USER, password=PASSWORD, timeout=15)


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[Radicale]:
    server = Radicale(tmp_path / "radicale")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def no_real_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Never the person's keyring: the backend that has no keyring at all."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    keyring.set_keyring(fail.Keyring())


ENV = {
    "NPQPLAN_CALDAV_PASSWORD": PASSWORD,
    "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
}


@dataclass(frozen=True)
class Held:
    """One event on the server as the second client reads it."""

    href: str
    etag: str
    data: bytes
    uid: str
    start: object
    sequence: int


def calendar_url(home: Path) -> str:
    return str(json.loads((home / "config" / "caldav.json").read_text())["calendar_url"])


def held(server: Radicale, url: str) -> dict[str, Held]:
    """Every event in the calendar, by UID; a UID twice fails the test."""
    calendar = caldav.Calendar(client=server.client(), url=url)
    found: dict[str, Held] = {}
    for event in calendar.events():
        assert event.etag, "the listing gives each event's ETag"
        data = bytes(event.data.encode() if isinstance(event.data, str) else event.data)
        (vevent,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
        uid = str(vevent["UID"])
        assert uid not in found, f"{uid} is in the calendar twice"
        found[uid] = Held(
            str(event.url), str(event.etag), data, uid, vevent.decoded("DTSTART"),
            int(vevent.get("SEQUENCE", 0)),
        )  # fmt: skip
    return found


def planned_uids(home: Path) -> set[str]:
    """The UIDs the current plan's sessions have, as export names them."""
    from npqplan import current
    from npqplan.request import parse_start

    found = current.plans(home, None, home / "cache")
    plan = found.current.plan
    key = ics.plan_key(plan.programme_id, parse_start(found.request.start))
    return {ics.session_uid(key, session) for session in plan.sessions}


def sync_options(server: Radicale, name: str = "NPQ study plan") -> list[str]:
    return ["sync", "--url", server.url, "--user", USER, "--calendar", name]


def add_foreign(server: Radicale, url: str) -> None:
    calendar = caldav.Calendar(client=server.client(), url=url)
    calendar.add_event(FOREIGN.decode())


# -- first sync, a second one, a re-plan --------------------------------------------------------


@pytest.mark.slow
def test_first_sync_writes_the_plan_and_a_second_writes_nothing(
    run_cli: RunCli, radicale: Radicale, npqplan_home: Path
) -> None:
    assert run_cli("schedule", PROGRAMME, "--start", "2024-09").returncode == 0
    first = run_cli(*sync_options(radicale), env=ENV)
    assert first.returncode == 0, first.stderr
    assert first.stdout == "Synced 'NPQ study plan': 20 sessions; 20 added, 0 updated, 0 removed.\n"
    assert "made the calendar 'NPQ study plan'" in first.stderr
    url = calendar_url(npqplan_home)
    assert set(held(radicale, url)) == planned_uids(npqplan_home)
    settings_text = (npqplan_home / "config" / "caldav.json").read_text()
    assert PASSWORD not in settings_text
    assert (npqplan_home / "config" / "caldav.json").stat().st_mode & 0o077 == 0

    add_foreign(radicale, url)
    before = held(radicale, url)
    second = run_cli("sync", env=ENV)
    assert second.returncode == 0, second.stderr
    assert second.stdout == (
        "Nothing to change: 'NPQ study plan' already shows your plan (20 sessions).\n"
    )
    assert second.stderr == ""
    assert held(radicale, url) == before  # not one ETag changed: no write at all


@pytest.mark.slow
def test_a_replan_then_sync_updates_moved_sessions_and_removes_dropped_ones(
    run_cli: RunCli, radicale: Radicale, npqplan_home: Path
) -> None:
    run_cli("schedule", "npqel", "--start", "2024-09", "--session-hours", "0.5")
    assert run_cli(*sync_options(radicale), env=ENV).returncode == 0
    url = calendar_url(npqplan_home)
    add_foreign(radicale, url)
    before = held(radicale, url)

    run_cli("schedule", "npqel", "--start", "2024-09", "--study-days", "mon,wed")
    dry = run_cli("sync", "--dry-run", env=ENV)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines()[-1].startswith("Dry run: ")
    assert held(radicale, url) == before

    result = run_cli("sync", env=ENV)
    assert result.returncode == 0, result.stderr
    after = held(radicale, url)
    ours = planned_uids(npqplan_home)
    assert set(after) == ours | {"dentist-2025@example.org"}
    assert after["dentist-2025@example.org"] == before["dentist-2025@example.org"]
    removed = set(before) - set(after)
    assert removed, "half-hour sessions merged into hours: some sessions must have gone"
    moved = [uid for uid in ours & set(before) if after[uid].start != before[uid].start]
    assert moved
    assert all(after[uid].sequence == before[uid].sequence + 1 for uid in moved)
    assert result.stdout == (
        f"Synced 'NPQ study plan': {len(ours)} sessions; 0 added, "
        f"{sum(after[u].etag != before[u].etag for u in ours & set(before))} updated, "
        f"{len(removed) - 0} removed.\n"
    )
    assert run_cli("sync", env=ENV).stdout.startswith("Nothing to change")


# -- the person's own changes -------------------------------------------------------------------


def move(server: Radicale, found: Held, to: datetime) -> None:
    """What a calendar app does when the person drags an event: a PUT of the changed event."""
    calendar = icalendar.Calendar.from_ical(found.data)
    (vevent,) = calendar.walk("VEVENT")
    length = vevent.decoded("DTEND") - vevent.decoded("DTSTART")
    for name, value in (("DTSTART", to), ("DTEND", to + length)):
        del vevent[name]
        vevent.add(name, value)
    client = server.client()
    response = client.put(found.href, calendar.to_ical().decode(), {"If-Match": found.etag})
    assert response.status == 204


@pytest.mark.slow
def test_an_event_moved_in_another_client_is_left_and_take_theirs_keeps_it_in_the_plan(
    run_cli: RunCli, radicale: Radicale, npqplan_home: Path
) -> None:
    run_cli("schedule", "npqel", "--start", "2024-09")
    assert run_cli(*sync_options(radicale), env=ENV).returncode == 0
    url = calendar_url(npqplan_home)
    # A self-study session: a new --study-time would move it, were it not the person's.
    timed = sorted(
        (
            h
            for h in held(radicale, url).values()
            if isinstance(h.start, datetime) and b"SUMMARY:Study:" in h.data
        ),
        key=lambda h: h.start,  # type: ignore[arg-type, return-value]
    )
    chosen = timed[10]
    assert isinstance(chosen.start, datetime)
    to = (chosen.start + timedelta(days=1)).replace(hour=19, minute=15)
    move(radicale, chosen, to)
    moved = held(radicale, url)[chosen.uid]

    run_cli("schedule", "npqel", "--start", "2024-09", "--study-time", "17:00")
    result = run_cli("sync", env=ENV)
    assert result.returncode == 0, result.stderr
    (line,) = [x for x in result.stdout.splitlines() if x.startswith("Left as you changed it")]
    assert f"(now {to:%a} {to.date().isoformat()} 19:15)" in line
    assert "--take-theirs" in line
    assert held(radicale, url)[chosen.uid] == moved  # not overwritten

    taken = run_cli("sync", "--take-theirs", env=ENV)
    assert taken.returncode == 0, taken.stderr
    assert f" at {to:%a} {to.date().isoformat()} 19:15.\n" in taken.stdout
    plan = json.loads(run_cli("schedule", "--format", "json").stdout)
    starts = [(s["date"], s.get("start")) for w in plan["weeks"] for s in w["sessions"]]
    assert (to.date().isoformat(), "19:15") in starts
    now = held(radicale, url)[chosen.uid]
    assert now.start == to.astimezone(ics.LONDON) or now.start == to
    assert now.sequence > moved.sequence
    assert run_cli("sync", env=ENV).stdout.startswith("Nothing to change")
    # A re-plan keeps it: the session is fixed where the person put it.
    shown = run_cli(
        "schedule", "npqel", "--start", "2024-09", "--study-time", "16:00", "--format", "json"
    )
    again = [
        (x["date"], x.get("start"), x["fixed"])
        for w in json.loads(shown.stdout)["weeks"]
        for x in w["sessions"]
    ]
    assert (to.date().isoformat(), "19:15", True) in again
    run_cli("sync", env=ENV)
    assert held(radicale, url)[chosen.uid].start == now.start


@pytest.mark.slow
def test_an_event_deleted_in_another_client_stays_deleted_until_restore(
    run_cli: RunCli, radicale: Radicale, npqplan_home: Path
) -> None:
    run_cli("schedule", PROGRAMME, "--start", "2024-09")
    run_cli(*sync_options(radicale), env=ENV)
    url = calendar_url(npqplan_home)
    victim = next(iter(held(radicale, url).values()))
    assert radicale.client().delete(victim.href).status in (200, 204)
    result = run_cli("sync", env=ENV)
    assert "1 session(s) you deleted in your calendar stay deleted" in result.stdout
    assert victim.uid not in held(radicale, url)
    restored = run_cli("sync", "--restore", env=ENV)
    assert restored.returncode == 0, restored.stderr
    assert victim.uid in held(radicale, url)


# -- failure is safe ----------------------------------------------------------------------------


@pytest.mark.slow
def test_a_server_stopped_midway_then_resumed_ends_with_the_plan_and_no_duplicates(
    run_cli: RunCli, radicale: Radicale, npqplan_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(caldav_sync, "BATCH", 5)
    run_cli("schedule", PROGRAMME, "--start", "2024-09")
    batches = []
    real = store.remember_synced

    def then_stop(state: Path, calendar: str, written: object, removed: object) -> None:
        real(state, calendar, written, removed)  # type: ignore[arg-type]
        batches.append(written)
        if len(batches) == 2:  # the first batch is what was already there: none
            radicale.stop()

    monkeypatch.setattr(store, "remember_synced", then_stop)
    cut = run_cli(*sync_options(radicale), env=ENV)
    assert cut.returncode == 4, cut.stderr
    *setting_up, last = cut.stderr.splitlines()
    assert setting_up == [
        "made the calendar 'NPQ study plan'",
        f"saved the sync settings in {npqplan_home / 'config' / 'caldav.json'}",
    ]
    assert last.startswith("error: cannot reach the calendar server at ")
    monkeypatch.setattr(store, "remember_synced", real)
    url = calendar_url(npqplan_home)
    recorded = store.synced_events(npqplan_home, url)
    assert len(recorded) == caldav_sync.BATCH

    radicale.start()
    assert set(held(radicale, url)) == {s.event.uid for s in recorded}
    finish = run_cli("sync", env=ENV)
    assert finish.returncode == 0, finish.stderr
    assert f"{20 - caldav_sync.BATCH} added" in finish.stdout
    assert set(held(radicale, url)) == planned_uids(npqplan_home)


@pytest.mark.slow
def test_events_written_by_a_sync_cut_off_before_it_recorded_them_are_not_written_twice(
    run_cli: RunCli, radicale: Radicale, npqplan_home: Path
) -> None:
    run_cli("schedule", PROGRAMME, "--start", "2024-09")
    assert run_cli(*sync_options(radicale), env=ENV).returncode == 0
    url = calendar_url(npqplan_home)
    before = held(radicale, url)
    # The state record is lost (a crash after the server's answer, or a new computer).
    with store.connect(npqplan_home) as db:
        db.execute("DELETE FROM synced_events")
    result = run_cli("sync", env=ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Nothing to change")
    assert held(radicale, url) == before
    assert len(store.synced_events(npqplan_home, url)) == len(before)


@pytest.mark.slow
def test_wrong_credentials_exit_2_with_one_line_and_record_nothing(
    run_cli: RunCli, radicale: Radicale, npqplan_home: Path
) -> None:
    run_cli("schedule", PROGRAMME, "--start", "2024-09")
    result = run_cli(*sync_options(radicale), env={**ENV, "NPQPLAN_CALDAV_PASSWORD": "wrong"})
    assert result.returncode == 2
    assert result.stderr == (
        f"error: the calendar server at {radicale.url} refused the user name or password for "
        "npq (401); set them again with 'npqplan sync --setup' (iCloud and Fastmail need an "
        "app password)\n"
    )
    assert not (npqplan_home / "config" / "caldav.json").exists()


def test_an_unreachable_server_exits_4_and_says_what_to_do(
    run_cli: RunCli, npqplan_home: Path
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    run_cli("schedule", PROGRAMME, "--start", "2024-09")
    result = run_cli(
        "sync", "--url", f"http://127.0.0.1:{port}/", "--user", USER, "--calendar", "x", env=ENV
    )
    assert result.returncode == 4
    assert result.stderr == (
        f"error: cannot reach the calendar server at http://127.0.0.1:{port}/ (the connection "
        "was refused); check the address and your connection, then run 'npqplan sync' again: "
        "nothing is lost\n"
    )


@pytest.mark.slow
def test_a_dry_run_before_the_calendar_exists_makes_nothing_and_lists_every_session(
    run_cli: RunCli, radicale: Radicale, npqplan_home: Path
) -> None:
    run_cli("schedule", PROGRAMME, "--start", "2024-09")
    dry = run_cli(*sync_options(radicale), "--dry-run", env=ENV)
    assert dry.returncode == 0, dry.stderr
    assert dry.stderr == "would make the calendar 'NPQ study plan'\n"
    assert dry.stdout.count("would add ") == 20
    assert dry.stdout.endswith("Dry run: 20 change(s) to 'NPQ study plan'; nothing was written.\n")
    assert radicale.client().principal().calendars() == []
    assert not (npqplan_home / "config").exists()


def test_sync_before_setup_and_plain_http_to_another_host_are_refused(run_cli: RunCli) -> None:
    nothing = run_cli("sync", env=ENV)
    assert nothing.returncode == 2
    assert nothing.stderr.startswith("error: there is no current plan yet; make one with ")
    run_cli("schedule", PROGRAMME, "--start", "2024-09")
    never = run_cli("sync", env=ENV)
    assert never.returncode == 2
    assert never.stderr == (
        "error: sync is not set up yet: run 'npqplan sync --setup' (or give --url, --user "
        "and --calendar)\n"
    )
    clear = run_cli("sync", "--url", "http://calendar.example.org/", "--user", "a", env=ENV)
    assert clear.returncode == 2
    assert "use https://" in clear.stderr


def test_no_password_anywhere_says_where_to_put_one(run_cli: RunCli, npqplan_home: Path) -> None:
    run_cli("schedule", PROGRAMME, "--start", "2024-09")
    result = run_cli(
        "sync", "--url", "https://caldav.example.org/", "--user", "a",
        env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
    )  # fmt: skip
    assert result.returncode == 2
    assert "NPQPLAN_CALDAV_PASSWORD" in result.stderr
    assert result.stderr.count("\n") == 1


# -- setting it up ------------------------------------------------------------------------------


@pytest.mark.slow
def test_setup_asks_for_the_server_user_and_calendar_and_remembers_them(
    run_cli: RunCli, radicale: Radicale, npqplan_home: Path
) -> None:
    run_cli("schedule", PROGRAMME, "--start", "2024-09")
    client = radicale.client()
    client.principal().make_calendar(name="Personal")
    result = run_cli("sync", "--setup", env=ENV, stdin=f"{radicale.url}\n{USER}\n\n")
    assert result.returncode == 0, result.stderr
    assert "iCloud: https://caldav.icloud.com/" in result.stdout
    assert "  1. Personal" in result.stdout
    assert "Synced 'NPQ study plan': 20 sessions; 20 added" in result.stdout
    saved = json.loads((npqplan_home / "config" / "caldav.json").read_text())
    assert (saved["url"], saved["user"], saved["calendar"]) == (
        radicale.url,
        USER,
        "NPQ study plan",
    )
    again = run_cli("sync", env=ENV)
    assert again.stdout.startswith("Nothing to change")


# -- the property -------------------------------------------------------------------------------

STEPS = st.lists(
    st.one_of(
        st.tuples(
            st.just("schedule"),
            st.sampled_from(["tue,thu", "mon,wed", "wed"]),
            st.sampled_from(["1", "0.5", "1.5"]),
        ),
        st.tuples(
            st.just("log-replan"), st.sampled_from(["2024-11-20", "2025-02-03"]), st.just("")
        ),
        st.tuples(st.just("sync"), st.just(""), st.just("")),
    ),
    min_size=1,
    max_size=4,
)


@pytest.mark.slow
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_after_any_replans_and_syncs_the_server_holds_exactly_the_plan_and_the_persons_own(
    radicale: Radicale, steps: list[tuple[str, str, str]]
) -> None:
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        env = {**ENV, "NPQPLAN_HOME": str(home), "NPQPLAN_PROGRAMMES": str(home / "none")}

        def run(*args: str) -> None:
            result = runner.invoke(app, list(args), env=env, input="")
            assert result.exit_code == 0, (args, result.output)

        run("schedule", PROGRAMME, "--start", "2024-09")
        name = f"plan {uuid.uuid4().hex[:8]}"
        run(*sync_options(radicale, name))
        url = calendar_url(home)
        add_foreign(radicale, url)
        foreign = held(radicale, url)["dentist-2025@example.org"]
        for kind, first, second in [*steps, ("sync", "", "")]:
            if kind == "schedule":
                run("schedule", PROGRAMME, "--start", "2024-09", "--study-days", first,
                    "--session-hours", second)  # fmt: skip
            elif kind == "log-replan":
                run("log", "1", "--on", first, "--today", first)
                run(
                    "replan",
                    "--yes",
                    "--today",
                    (date.fromisoformat(first) + timedelta(days=14)).isoformat(),
                )
            else:
                run("sync")
                found = held(radicale, url)
                assert set(found) == planned_uids(home) | {foreign.uid}
                assert found[foreign.uid] == foreign


@pytest.mark.slow
def test_ctrl_c_midway_exits_130_keeps_what_was_written_and_the_next_sync_finishes(
    run_cli: RunCli, radicale: Radicale, npqplan_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(caldav_sync, "BATCH", 5)
    run_cli("schedule", PROGRAMME, "--start", "2024-09")
    real = store.remember_synced
    calls = []

    def then_interrupt(state: Path, calendar: str, written: object, removed: object) -> None:
        real(state, calendar, written, removed)  # type: ignore[arg-type]
        calls.append(written)
        if len(calls) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(store, "remember_synced", then_interrupt)
    cut = run_cli(*sync_options(radicale), env=ENV)
    assert cut.returncode == 130
    assert cut.stderr.endswith(
        "\ninterrupted: every change the server acknowledged is recorded; run 'npqplan sync' "
        "again to finish\n"
    )
    monkeypatch.setattr(store, "remember_synced", real)
    url = calendar_url(npqplan_home)
    assert set(held(radicale, url)) == {s.event.uid for s in store.synced_events(npqplan_home, url)}
    finish = run_cli("sync", env=ENV)
    assert finish.returncode == 0, finish.stderr
    assert set(held(radicale, url)) == planned_uids(npqplan_home)


@pytest.mark.slow
def test_an_event_changed_between_the_look_and_the_write_is_left_412(
    run_cli: RunCli, radicale: Radicale, npqplan_home: Path
) -> None:
    """The server refuses the conditional write (412): the person's version stays, the
    record keeps the old ETag, so the next sync reports it as their change."""
    from npqplan import current
    from npqplan.request import parse_start

    run_cli("schedule", "npqel", "--start", "2024-09")
    run_cli(*sync_options(radicale), env=ENV)
    run_cli("schedule", "npqel", "--start", "2024-09", "--study-time", "18:00")
    url = calendar_url(npqplan_home)
    found = current.plans(npqplan_home, None, npqplan_home / "cache")
    plan = found.current.plan
    key = ics.plan_key(plan.programme_id, parse_start(found.request.start))
    server = caldav_server.Server(caldav_server.Account(radicale.url, USER, PASSWORD))
    record = store.synced_events(npqplan_home, url)
    when = datetime(2025, 1, 1, tzinfo=UTC)
    changes = caldav_sync.compare(
        plan, key=key, calendar=url, record=record,
        remote=caldav_sync.look(server, url, record), generated_at=when,
    )  # fmt: skip
    assert changes.updates
    target = changes.updates[0].event.uid
    theirs = held(radicale, url)[target]
    assert isinstance(theirs.start, datetime)
    move(radicale, theirs, theirs.start + timedelta(hours=2))
    moved = held(radicale, url)[target]

    def remember(written: list[object], removed: list[str]) -> None:
        store.remember_synced(npqplan_home, url, written, removed)  # type: ignore[arg-type]

    done = caldav_sync.apply(server, plan, changes, generated_at=when, remember=remember)
    assert done.skipped == [target]
    assert done.updated == len(changes.updates) - 1
    assert held(radicale, url)[target] == moved
    again = run_cli("sync", env=ENV)
    assert again.stdout.startswith("Left as you changed it: ")


@pytest.mark.slow
def test_setup_without_a_keyring_uses_the_password_once_and_says_how_to_give_it_next_time(
    run_cli: RunCli, radicale: Radicale, npqplan_home: Path
) -> None:
    run_cli("schedule", PROGRAMME, "--start", "2024-09")
    no_password = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    result = run_cli(
        "sync", "--setup", env=no_password, stdin=f"{radicale.url}\n{USER}\n{PASSWORD}\nMy NPQ\n"
    )
    assert result.returncode == 0, result.stderr
    assert "there is no system keyring here, so the password was not kept" in result.stderr
    assert "Synced 'My NPQ': 20 sessions; 20 added" in result.stdout
    assert PASSWORD not in (npqplan_home / "config" / "caldav.json").read_text()
    later = run_cli("sync", env=no_password)
    assert later.returncode == 2
    assert "NPQPLAN_CALDAV_PASSWORD" in later.stderr
    helper = run_cli("sync", "--password-command", f"echo {PASSWORD}", env=no_password)
    assert helper.returncode == 0, helper.stderr
    assert helper.stdout.startswith("Nothing to change")
    assert run_cli("sync", env=no_password).returncode == 0  # the command is remembered


@pytest.mark.slow
def test_a_calendar_the_user_may_not_use_exits_2_with_the_403_line(
    run_cli: RunCli, radicale: Radicale, npqplan_home: Path
) -> None:
    run_cli("schedule", PROGRAMME, "--start", "2024-09")
    assert run_cli(*sync_options(radicale), env=ENV).returncode == 0
    settings_file = npqplan_home / "config" / "caldav.json"
    saved = json.loads(settings_file.read_text())
    # Radicale's default rights: each user owns only their own folder.
    saved["calendar_url"] = f"{radicale.url}someone-else/calendar/"
    settings_file.write_text(json.dumps(saved))
    result = run_cli("sync", env=ENV)
    assert result.returncode == 2
    assert result.stderr == (
        f"error: the calendar server at {radicale.url} does not let npq do this (403 "
        "Forbidden); choose a calendar of your own with 'npqplan sync --setup'\n"
    )
