"""The least a typer command that prints with rich can cost: the floor under npqplan's ratios.

typer 0.29 coerces every parameter through a pydantic TypeAdapter, --help included, so
running any command imports pydantic's validation machinery that `import pydantic` alone
does not; printing with rich imports rich.console, which `import rich.table` does not.
"""

from __future__ import annotations

import typer
from rich.console import Console

app = typer.Typer(add_completion=False)


@app.command()
def hello() -> None:
    Console().print("hello")


@app.command()
def other() -> None:
    """A second command, so that typer dispatches by name as npqplan's does."""


if __name__ == "__main__":
    app()
