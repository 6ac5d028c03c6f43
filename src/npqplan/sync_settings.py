"""Where `npqplan sync` writes: the server, the user and the calendar, kept in a small JSON file
in the config folder; and the password, never kept in a file: it comes from the environment,
from a command that prints it, or from the system keyring."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from npqplan.atomic import write_atomic
from npqplan.errors import UsageError

PASSWORD_ENV = "NPQPLAN_CALDAV_PASSWORD"
SETTINGS_NAME = "caldav.json"
KEYRING_SERVICE = "npqplan CalDAV"
COMMAND_TIMEOUT_SECONDS = 60
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class SyncSettings:
    url: str
    user: str
    calendar: str = ""
    calendar_url: str = ""
    password_command: str | None = None


def settings_path(config_dir: Path) -> Path:
    return config_dir / SETTINGS_NAME


def load(config_dir: Path) -> SyncSettings | None:
    """The saved settings, or None when sync was never set up."""
    path = settings_path(config_dir)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise UsageError(
            f"{path}: cannot be read ({exc}); set up again with 'npqplan sync --setup'"
        ) from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}: not a settings file; set up again with 'npqplan sync --setup'")
    fields = set(SyncSettings.__dataclass_fields__)
    values = {k: v for k, v in data.items() if k in fields}
    if not all(isinstance(v, str) for k, v in values.items() if k != "password_command") or not {
        "url",
        "user",
    } <= set(values):
        raise UsageError(f"{path}: incomplete; set up again with 'npqplan sync --setup'")
    return SyncSettings(**values)


def save(config_dir: Path, settings: SyncSettings) -> None:
    """Atomically, and readable by the user alone: it names their account."""
    path = settings_path(config_dir)
    text = json.dumps(asdict(settings), indent=2, sort_keys=True) + "\n"
    try:
        config_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text.encode("utf-8"))
        path.chmod(0o600)
    except OSError as exc:
        raise UsageError(f"cannot save {path}: {exc.strerror or exc}") from None


def checked_url(text: str) -> str:
    """An http(s) address; plain http only to this computer, as it would send the password
    in clear."""
    url = text.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{text!r}: give the server's address, like https://caldav.icloud.com/")
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
        raise UsageError(
            f"{text!r}: use https:// (plain http would send your password unencrypted)"
        )
    if parts.username or parts.password:
        raise UsageError(f"{text!r}: leave the user name and password out of the address")
    return url if url.endswith("/") else url + "/"


def password(settings: SyncSettings) -> str:
    """NPQPLAN_CALDAV_PASSWORD, else the password command, else the system keyring."""
    from_env = os.environ.get(PASSWORD_ENV)
    if from_env:
        return from_env
    if settings.password_command:
        return _run(settings.password_command)
    kept = _keyring_get(settings)
    if kept:
        return kept
    raise UsageError(
        f"no password for {settings.user} at {settings.url}: run 'npqplan sync --setup' to "
        f"keep it in the system keyring, or set {PASSWORD_ENV}, or give --password-command"
    )


def keep_password(settings: SyncSettings, secret: str) -> bool:
    """Keep the password in the system keyring; False where there is no keyring to keep it."""
    import keyring
    import keyring.errors

    try:
        keyring.set_password(KEYRING_SERVICE, _keyring_user(settings), secret)
    except (keyring.errors.KeyringError, RuntimeError):
        return False
    return True


def has_keyring() -> bool:
    import keyring
    from keyring.backends import fail

    return not isinstance(keyring.get_keyring(), fail.Keyring)


def _keyring_get(settings: SyncSettings) -> str | None:
    import keyring
    import keyring.errors

    try:
        return keyring.get_password(KEYRING_SERVICE, _keyring_user(settings))
    except (keyring.errors.KeyringError, RuntimeError):
        return None


def _keyring_user(settings: SyncSettings) -> str:
    return f"{settings.user} {settings.url}"


def _run(command: str) -> str:
    try:
        words = shlex.split(command)
        done = subprocess.run(
            words,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_SECONDS,
            check=False,
        )
    except (ValueError, OSError, subprocess.TimeoutExpired) as exc:
        raise UsageError(f"the password command {command!r} could not run ({exc})") from None
    secret = done.stdout.splitlines()[0].strip() if done.stdout.strip() else ""
    if done.returncode != 0 or not secret:
        raise UsageError(
            f"the password command {command!r} printed no password (exit {done.returncode})"
        )
    return secret
