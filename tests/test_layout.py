"""The shape of the package: imports flow one way, and the core knows nothing of its edges."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "npqplan"
ENGINE = tuple(
    f"scheduling.{path.stem}" if path.stem != "__init__" else "scheduling"
    for path in sorted((PACKAGE / "scheduling").glob("*.py"))
)
CORE = (
    "schema", "loader", "calendar", "plan", "checks", "hours", "progress", "cohort",
    "estimates", "backtest", "agenda", *ENGINE,
)  # fmt: skip
LONGEST_ENGINE_MODULE = 300
EDGE_LIBRARIES = {"typer", "rich", "sqlite3", "json"}
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]+")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function, by its full name."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            # `from npqplan.cli import options` asks for the module npqplan.cli.options.
            inner = {f"{node.module}.{alias.name}" for alias in node.names}
            modules = {name for name in inner if name in MODULES}
            found |= modules or {node.module}
    return found


def npqplan_imports(path: Path) -> set[str]:
    return {name for name in imports_of(path) if name in MODULES and name != "npqplan"}


@pytest.mark.parametrize("name", CORE)
def test_the_core_imports_no_cli_terminal_sql_or_json(name: str) -> None:
    imported = imports_of(MODULES[f"npqplan.{name}"])
    roots = {module.split(".")[0] for module in imported}
    assert not roots & EDGE_LIBRARIES, f"npqplan.{name} imports {roots & EDGE_LIBRARIES}"
    assert not {m for m in imported if m.startswith(("npqplan.cli", "npqplan.render"))}


@pytest.mark.parametrize("name", CORE)
def test_the_core_names_no_command_line_flag(name: str) -> None:
    tree = ast.parse(MODULES[f"npqplan.{name}"].read_text(encoding="utf-8"))
    texts = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    named = sorted({flag for text in texts for flag in FLAG.findall(text)})
    assert named == [], f"npqplan.{name} names {named}"


def test_nothing_outside_the_cli_imports_it() -> None:
    for name, path in MODULES.items():
        if name.startswith("npqplan.cli") or name == "npqplan.__main__":
            continue
        assert not {m for m in npqplan_imports(path) if m.startswith("npqplan.cli")}, name


def test_there_is_no_import_cycle() -> None:
    graph = {name: npqplan_imports(path) - {name} for name, path in MODULES.items()}
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        assert name not in trail, " -> ".join((*trail, name))
        if name in done:
            return
        for imported in sorted(graph[name]):
            visit(imported, (*trail, name))
        done.add(name)

    for name in sorted(graph):
        visit(name, ())


def test_each_class_is_declared_once() -> None:
    """No twin classes kept in step (a Programme in two modules, two Progress or Break)."""
    declared: dict[str, list[str]] = {}
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                declared.setdefault(node.name, []).append(name)
    twins = {cls: where for cls, where in declared.items() if len(where) > 1}
    assert twins == {}


def test_the_engine_is_small_modules() -> None:
    """The planning engine stays a package of small rule modules, none a second scheduler."""
    assert len(ENGINE) >= 10
    long = {
        name: lines
        for name in ENGINE
        if (lines := len(MODULES[f"npqplan.{name}"].read_text("utf-8").splitlines()))
        > LONGEST_ENGINE_MODULE
    }
    assert long == {}
