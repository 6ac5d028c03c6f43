"""Where npqplan keeps the user's own programmes and state: platform folders, env overrides."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "npqplan"
PROGRAMMES_ENV = "NPQPLAN_PROGRAMMES"
HOME_ENV = "NPQPLAN_HOME"


def user_programmes_dir() -> Path:
    override = os.environ.get(PROGRAMMES_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME)) / "programmes"


def state_dir() -> Path:
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_state_dir(APP_NAME))


def cache_dir() -> Path:
    """Things npqplan can always rebuild (bank holidays); beside the state when it is moved."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override) / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME))


def config_dir() -> Path:
    """The user's settings (where `sync` writes); beside the state when it is moved."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override) / "config"
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME))
