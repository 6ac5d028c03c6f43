"""The one table style every npqplan table uses."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.table import Table


def table(title: str | None = None, **options: Any) -> Table:
    """A rich Table with a bold left-aligned title, a rule under the header and no edge padding,
    so that it reads at 80 columns and in plain text."""
    return Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
        **options,
    )
