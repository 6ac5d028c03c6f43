"""Commands for hours: registered on the app in npqplan.cli."""

from __future__ import annotations
