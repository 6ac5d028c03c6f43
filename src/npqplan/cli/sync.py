"""Keeping a CalDAV calendar in step with the current plan: sync, and sync --setup."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated

import typer

from npqplan import current, paths, store, sync_settings
from npqplan.cli.output import say, stdout
from npqplan.cli.plan import export_time
from npqplan.errors import EXIT_INTERRUPTED, UsageError
from npqplan.render import sync as words
from npqplan.request import parse_start
from npqplan.sync_settings import SyncSettings
from npqplan.syncstate import SyncedEvent

if TYPE_CHECKING:
    from npqplan.caldav_server import Server
    from npqplan.caldav_sync import Changes

NEW_CALENDAR = "NPQ study plan"
# Addresses as each service documents them for CalDAV clients (read 2026-12-08):
# iCloud: https://cli.nylas.com/guides/icloud-caldav-settings (caldav.icloud.com, HTTPS, app
#   password); Fastmail: https://utf9k.net/blog/fastmail-caldav/ (quoting Fastmail's "Server
#   names and ports": https://caldav.fastmail.com/dav/); Nextcloud: its user manual's
#   "Groupware" chapter (https://docslib.org/doc/1216430/nextcloud-user-manual-release-latest):
#   https://YOUR-SERVER/remote.php/dav.
KNOWN_SERVERS = (
    ("iCloud", "https://caldav.icloud.com/"),
    ("Fastmail", "https://caldav.fastmail.com/dav/"),
    ("Nextcloud", "https://YOUR-SERVER/remote.php/dav/"),
)
_SERVERS_HELP = "; ".join(f"{name}: {url}" for name, url in KNOWN_SERVERS)

app = typer.Typer()


@app.command(short_help="Keep a CalDAV calendar in step with your plan.")
def sync(
    setup: Annotated[
        bool, typer.Option("--setup", help="Ask for the server, user and calendar, then sync.")
    ] = False,
    url: Annotated[
        str | None,
        typer.Option("--url", metavar="URL", help=f"The CalDAV server ({_SERVERS_HELP})."),
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", metavar="NAME", help="Your user name there.")
    ] = None,
    calendar: Annotated[
        str | None,
        typer.Option(
            "--calendar",
            metavar="NAME",
            help=f"The calendar to keep your plan in (made if missing; '{NEW_CALENDAR}').",
        ),
    ] = None,
    password_command: Annotated[
        str | None,
        typer.Option(
            "--password-command",
            metavar="COMMAND",
            help="A command that prints the password, like 'pass show caldav'.",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would change; write nothing.")
    ] = False,
    take_theirs: Annotated[
        bool,
        typer.Option(
            "--take-theirs", help="Keep sessions you moved in your calendar there in the plan."
        ),
    ] = False,
    restore: Annotated[
        bool,
        typer.Option(
            "--restore", help="Put the plan's version back over your changes and deletions."
        ),
    ] = False,
) -> None:
    """Write your current plan into a CalDAV calendar (iCloud, Fastmail, Nextcloud, ...) and
    keep it there: new sessions are added, moved ones updated, dropped ones removed. Events you
    made yourself are never touched, and sessions you moved or deleted in your calendar stay as
    you left them. The password comes from NPQPLAN_CALDAV_PASSWORD, --password-command or the
    system keyring, never from a file.

    Example: npqplan sync --setup
    """
    if take_theirs and restore:
        raise UsageError("give --take-theirs or --restore, not both")
    # caldav and icalendar take long to import; only this command needs them.
    from npqplan import caldav_server, caldav_sync

    config = paths.config_dir()
    saved = sync_settings.load(config)
    run = _Run(restore)  # the plan first: without one there is nothing to connect for
    given = _given(saved, url, user, calendar, password_command)
    settings = _asked(given) if setup else given
    if settings is None:
        raise UsageError(
            "sync is not set up yet: run 'npqplan sync --setup' "
            "(or give --url, --user and --calendar)"
        )
    secret = _setup_password(settings) if setup else sync_settings.password(settings)
    server = caldav_server.Server(caldav_server.Account(settings.url, settings.user, secret))
    settings = _calendar(server, settings, setup, dry_run)
    if settings != saved and not dry_run:
        # Saved once the server has taken the password and the calendar is known.
        sync_settings.save(config, settings)
        say(f"saved the sync settings in {sync_settings.settings_path(config)}")

    run.server, run.target = server, settings.calendar_url
    changes = run.changes()
    if take_theirs and changes.edited:
        accept = _take_theirs(run, changes, dry_run)
        if accept and not dry_run:
            changes = run.changes(accept)
    plan = run.plan
    for line in words.their_lines(changes):
        _line(line)
    if dry_run:
        for line in words.dry_run_lines(changes):
            _line(line)
        _line(f"Dry run: {changes.writes} change(s) to '{settings.calendar}'; nothing was written.")
        return
    try:
        done = caldav_sync.apply(
            server, plan, changes, generated_at=run.generated_at, remember=run.remember
        )
    except KeyboardInterrupt:
        say(
            "interrupted: every change the server acknowledged is recorded; run 'npqplan sync' "
            "again to finish"
        )
        raise typer.Exit(EXIT_INTERRUPTED) from None
    if changes.writes == 0:
        _line(
            f"Nothing to change: '{settings.calendar}' already shows your plan "
            f"({len(plan.sessions)} sessions)."
        )
        return
    _line(
        f"Synced '{settings.calendar}': {len(plan.sessions)} sessions; {done.created} added, "
        f"{done.updated} updated, {done.removed} removed."
    )
    if done.skipped:
        _line(
            f"{len(done.skipped)} event(s) changed in the calendar while syncing were left as "
            "they are; run 'npqplan sync' again."
        )
    if done.taken:
        _line(
            f"{len(done.taken)} session(s) were already in the calendar from an imported file "
            "and were not added twice; delete the imported copies to let sync keep them."
        )


class _Run:
    """One sync's inputs: the current plan, what earlier syncs wrote, what the server holds."""

    def __init__(self, restore: bool) -> None:
        self.server: Server | None = None
        self.target = ""  # no calendar yet: a dry run before the calendar is made
        self.restore = restore
        self.state = paths.state_dir()
        self.generated_at = export_time()
        self.found = self._plans()
        self.plan = self.found.current.plan

    def _plans(self) -> current.CurrentPlans:
        return current.plans(self.state, paths.user_programmes_dir(), paths.cache_dir())

    def changes(self, accept: dict[str, str] | None = None) -> Changes:
        from npqplan import caldav_sync, ics

        if accept is not None:
            self.found = self._plans()
            self.plan = self.found.current.plan
        key = ics.plan_key(self.plan.programme_id, parse_start(self.found.request.start))
        record: list[SyncedEvent] = []
        remote = caldav_sync.Remote({}, {})
        if self.server is not None and self.target:
            record = store.synced_events(self.state, self.target)
            remote = caldav_sync.look(self.server, self.target, record)
        return caldav_sync.compare(
            self.plan,
            key=key,
            calendar=self.target,
            record=record,
            remote=remote,
            generated_at=self.generated_at,
            accept=accept,
            restore=self.restore,
        )

    def remember(self, written: list[SyncedEvent], removed: list[str]) -> None:
        store.remember_synced(self.state, self.target, written, removed)


# -- settings -------------------------------------------------------------------------------


def _given(
    saved: SyncSettings | None,
    url: str | None,
    user: str | None,
    calendar: str | None,
    password_command: str | None,
) -> SyncSettings | None:
    """The saved settings with the options given over them; None when there is neither."""
    if saved is None and url is None and user is None:
        return None
    if saved is None and (url is None or user is None):
        raise UsageError("give both --url and --user (or run 'npqplan sync --setup')")
    base = saved or SyncSettings(url="", user="")
    chosen = replace(
        base,
        url=sync_settings.checked_url(url) if url is not None else base.url,
        user=user.strip() if user is not None else base.user,
        password_command=password_command or base.password_command,
    )
    if chosen.url != base.url or chosen.user != base.user:
        chosen = replace(chosen, calendar_url="")
    if calendar is not None and calendar.strip() != base.calendar:
        chosen = replace(chosen, calendar=calendar.strip(), calendar_url="")
    return chosen


def _asked(given: SyncSettings | None) -> SyncSettings:
    _line("Known CalDAV servers:")
    for name, address in KNOWN_SERVERS:
        _line(f"  {name}: {address}")
    url = sync_settings.checked_url(
        typer.prompt("Server address", default=given.url if given and given.url else None)
    )
    user = typer.prompt("User name", default=given.user if given and given.user else None).strip()
    base = given or SyncSettings(url=url, user=user)
    if (url, user) != (base.url, base.user):
        base = replace(base, calendar_url="")
    return replace(base, url=url, user=user)


def _setup_password(settings: SyncSettings) -> str:
    """The password from the environment or the command when there is one; else asked for
    and kept in the system keyring, where there is one."""
    if os.environ.get(sync_settings.PASSWORD_ENV) or settings.password_command:
        return sync_settings.password(settings)
    secret = str(
        typer.prompt("Password (iCloud and Fastmail: an app password)", hide_input=True)
    ).strip()
    if not secret:
        raise UsageError("no password given")
    if not sync_settings.keep_password(settings, secret):
        say(
            "there is no system keyring here, so the password was not kept: set "
            f"{sync_settings.PASSWORD_ENV} or give --password-command for the next sync"
        )
    return secret


def _calendar(server: Server, settings: SyncSettings, ask: bool, dry_run: bool) -> SyncSettings:
    """The calendar the settings name, found among the account's (or made, unless this is a
    dry run); asked for in --setup."""
    if settings.calendar_url and not ask:
        return settings
    choices = server.calendars()
    name = settings.calendar
    if ask:
        _line("Calendars in this account:")
        for number, choice in enumerate(choices, start=1):
            _line(f"  {number}. {choice.name}")
        if not choices:
            _line("  (none yet)")
        _line("  or type a new name to make a calendar")
        name = typer.prompt("Calendar", default=settings.calendar or NEW_CALENDAR).strip()
        if name.isdigit() and 1 <= int(name) <= len(choices):
            name = choices[int(name) - 1].name
    name = name or NEW_CALENDAR
    for choice in choices:
        if choice.name == name:
            return replace(settings, calendar=name, calendar_url=choice.url)
    if dry_run:
        say(f"would make the calendar '{name}'")
        return replace(settings, calendar=name, calendar_url="")
    made = server.make_calendar(name)
    say(f"made the calendar '{name}'")
    return replace(settings, calendar=name, calendar_url=made.url)


# -- what the person changed ----------------------------------------------------------------


def _take_theirs(run: _Run, changes: Changes, dry_run: bool) -> dict[str, str]:
    """Pin each session the person moved to where they put it; the UIDs taken, with the ETag
    now theirs."""
    from npqplan import remote_event
    from npqplan.syncstate import pin_problem

    taken: dict[str, str] = {}
    kept = []
    for theirs in changes.edited:
        pin = remote_event.their_pin(theirs.data, theirs.planned)
        if pin is None or theirs.planned is None or theirs.etag is None:
            continue
        problem = pin_problem(run.plan, theirs.planned, pin)
        title = words.title(theirs.planned)
        if problem is not None:
            _line(f"Not taken: {title}: {problem}.")
            continue
        kept.append(pin)
        taken[theirs.synced.event.uid] = theirs.etag
        verb = "Would keep" if dry_run else "Kept"
        _line(f"{verb} in the plan: {title} at {words.when(pin.day, pin.start)}.")
    if kept and not dry_run:
        store.save_pins(run.state, run.found.request, kept)
    return taken


def _line(text: str) -> None:
    """One line of the result as it is: never wrapped, nothing in it read as markup."""
    stdout.out(text, highlight=False)
