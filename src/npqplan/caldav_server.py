"""One CalDAV account, spoken to with the `caldav` library: its calendars, and conditional
writes of single events. Every failure leaves as an NpqplanError of one line."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import cast
from urllib.parse import quote, unquote, urljoin, urlsplit
from xml.sax.saxutils import escape

from caldav.collection import Calendar
from caldav.davclient import DAVClient
from caldav.elements import cdav, dav
from caldav.lib import error as dav_error

from npqplan.errors import CalendarServerError, UsageError

TIMEOUT_SECONDS = 30
ICS_HEADERS = {"Content-Type": "text/calendar; charset=utf-8"}
_ETAGS = (
    '<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:">'
    "<D:prop><D:getetag/></D:prop></D:propfind>"
)
_MULTIGET = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
    "<D:prop><D:getetag/><C:calendar-data/></D:prop>{hrefs}</C:calendar-multiget>"
)


class CredentialsError(UsageError):
    """The server refused the user name or password, or this user may not use the calendar."""


class ChangedMeanwhile(Exception):
    """A conditional write failed (412): the event is not as we last saw it, or was taken."""


class UidTaken(Exception):
    """The calendar already holds another event with this UID (RFC 4791 no-uid-conflict)."""


@dataclass(frozen=True)
class Account:
    url: str
    user: str
    password: str


@dataclass(frozen=True)
class CalendarChoice:
    name: str
    url: str


class Server:
    """A connection to one account; hrefs are the server's paths, unquoted."""

    def __init__(self, account: Account, timeout: int = TIMEOUT_SECONDS) -> None:
        self.account = account
        with self.talking():
            # Basic from the first request: every server the help names takes it over HTTPS,
            # and waiting for a 401 first costs a round trip (a second, on Radicale).
            self.client = DAVClient(
                url=account.url,
                username=account.user,
                password=account.password,
                auth_type="basic",
                timeout=timeout,
                enable_rfc6764=False,
            )

    @contextlib.contextmanager
    def talking(self) -> Iterator[None]:
        """The library's and the network's failures as one line saying what to do."""
        where = self.account.url
        try:
            yield
        except dav_error.AuthorizationError as exc:
            if exc.status == 403:
                raise CredentialsError(
                    f"the calendar server at {where} does not let {self.account.user} do this "
                    "(403 Forbidden); choose a calendar of your own with 'npqplan sync --setup'"
                ) from None
            raise CredentialsError(
                f"the calendar server at {where} refused the user name or password for "
                f"{self.account.user} (401); set them again with 'npqplan sync --setup' (iCloud "
                "and Fastmail need an app password)"
            ) from None
        except dav_error.DAVError as exc:
            raise CalendarServerError(
                f"the calendar server at {where} failed ({exc.reason}); "
                "try 'npqplan sync' again later: what was written is kept"
            ) from None
        except OSError as exc:
            raise CalendarServerError(
                f"cannot reach the calendar server at {where} ({_reason(exc)}); check the "
                "address and your connection, then run 'npqplan sync' again: nothing is lost"
            ) from None

    # -- calendars --------------------------------------------------------------------------

    def calendars(self) -> list[CalendarChoice]:
        with self.talking():
            # The library's types allow for its async client too; this one is synchronous.
            found = cast("list[Calendar]", self.client.get_principal().calendars())
            return [CalendarChoice(str(c.get_display_name() or c.url), str(c.url)) for c in found]

    def make_calendar(self, name: str) -> CalendarChoice:
        with self.talking():
            made = cast("Calendar", self.client.get_principal().make_calendar(name=name))
            return CalendarChoice(name, str(made.url))

    # -- events -----------------------------------------------------------------------------

    def etags(self, calendar: str) -> dict[str, str]:
        """Every object in the calendar and its ETag (one PROPFIND, no event data)."""
        with self.talking():
            response = self.client.propfind(calendar, _ETAGS, depth=1)
            if response.status == 404:
                raise UsageError(
                    f"the calendar {calendar} is not there any more; choose one with "
                    "'npqplan sync --setup'"
                )
            _check(response.status, calendar)
            found = response.expand_simple_props([dav.GetEtag()])
        own = _path(calendar)
        return {
            _path(href): str(props[dav.GetEtag.tag])
            for href, props in found.items()
            if _path(href) != own and props.get(dav.GetEtag.tag)
        }

    def fetch(self, calendar: str, hrefs: Iterable[str]) -> dict[str, tuple[str, bytes]]:
        """The ETag and data of each of these objects (one REPORT)."""
        wanted = sorted(set(hrefs))
        if not wanted:
            return {}
        body = _MULTIGET.format(
            hrefs="".join(f"<D:href>{escape(_quoted(href))}</D:href>" for href in wanted)
        )
        with self.talking():
            response = self.client.report(calendar, body, depth=1)
            _check(response.status, calendar)
            found = response.expand_simple_props([dav.GetEtag(), cdav.CalendarData()])
        return {
            _path(href): (str(props[dav.GetEtag.tag]), str(props[cdav.CalendarData.tag]).encode())
            for href, props in found.items()
            if props.get(dav.GetEtag.tag) and props.get(cdav.CalendarData.tag)
        }

    def put(self, calendar: str, href: str, body: bytes, etag: str | None) -> str:
        """Create (etag None: only if nothing is there) or replace (only if still at `etag`)
        the event at `href`; returns its new ETag."""
        condition = {"If-None-Match": "*"} if etag is None else {"If-Match": etag}
        url = _url(calendar, href)
        with self.talking():
            response = self.client.put(url, body.decode("utf-8"), {**condition, **ICS_HEADERS})
            if response.status == 412:
                raise ChangedMeanwhile(href)
            if response.status in (403, 409) and b"no-uid-conflict" in _body(response):
                raise UidTaken(href)
            _check(response.status, url)
            tag = (response.headers or {}).get("ETag")
            if tag and not tag.startswith("W/"):
                return str(tag)
            # No strong ETag for what we wrote (the server changed it as it stored it): ask.
            return self.etags_of(calendar, [href]).get(href, "")

    def etags_of(self, calendar: str, hrefs: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        with self.talking():
            for href in hrefs:
                response = self.client.propfind(_url(calendar, href), _ETAGS, depth=0)
                props = response.expand_simple_props([dav.GetEtag()])
                for value in props.values():
                    if value.get(dav.GetEtag.tag):
                        found[href] = str(value[dav.GetEtag.tag])
        return found

    def delete(self, calendar: str, href: str, etag: str) -> None:
        """Remove the event at `href` if it is still at `etag`; gone already is fine."""
        url = _url(calendar, href)
        with self.talking():
            response = self.client.delete(url, {"If-Match": etag})
            if response.status == 412:
                raise ChangedMeanwhile(href)
            if response.status != 404:
                _check(response.status, url)


def event_href(calendar: str, uid: str) -> str:
    """Where a new event of ours goes: named by its UID, inside the calendar."""
    return _path(calendar).rstrip("/") + "/" + uid + ".ics"


def _url(calendar: str, href: str) -> str:
    # On the calendar's own host: iCloud serves calendars from another host than its address.
    return urljoin(calendar, _quoted(href))


def _path(href: str) -> str:
    return unquote(urlsplit(href).path)


def _quoted(path: str) -> str:
    return quote(path, safe="/@:")


def _body(response: object) -> bytes:
    raw = getattr(response, "_raw", b"") or b""
    return raw if isinstance(raw, bytes) else str(raw).encode()


def _check(status: int, url: str) -> None:
    if status >= 300:
        raise dav_error.DAVError(url=url, reason=f"HTTP {status}", status=status)


def _reason(exc: OSError) -> str:
    text = str(exc.__cause__ or exc)
    if "timed out" in text.lower() or "timeout" in type(exc).__name__.lower():
        return "it did not answer in time"
    if "refused" in text.lower():
        return "the connection was refused"
    return text.splitlines()[0][:120] if text else type(exc).__name__
