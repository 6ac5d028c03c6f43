"""Hostile-input-safe YAML files: bounded reading and parsing, YAML 1.2 scalars, and where each
value stood (FILE:LINE:COL)."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml
from yaml.events import AliasEvent, MappingStartEvent, ScalarEvent, SequenceStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from npqplan.boundedfile import read_bounded
from npqplan.errors import InvalidFileError

MAX_BYTES = 256 * 1024
MAX_NODES = 20_000
MAX_DEPTH = 32
MAX_INT_DIGITS = 18

_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")

DataPath = tuple[str | int, ...]

# A "\ud800" escape yields text that no UTF-8 output (terminal, .ics, JSON) can write.
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_REASON = (
    "text contains a \\uD800-\\uDFFF escape (half of a UTF-16 pair); write the character itself"
)
_STANDARD_TAG = "tag:yaml.org,2002:"


@dataclass(frozen=True)
class Position:
    line: int
    column: int


def read_text(path: Path, display: str | None = None, limit: int = MAX_BYTES) -> str:
    """Read at most `limit` bytes of a UTF-8 text file, or raise a located reason."""
    # Every problem line names the file as the caller shows it, file-level ones included.
    display = display or str(path)
    raw = read_bounded(path, display, limit, "a YAML file")
    if len(raw) > limit:
        raise InvalidFileError([f"{display}: file is larger than {limit // 1024} KiB"])
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InvalidFileError([f"{display}: is UTF-16 text, not UTF-8; save the file as UTF-8"])
    if b"\x00" in raw:
        raise InvalidFileError([f"{display}: is a binary file, not YAML text"])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # Everything before the bad byte decoded, so the editor's line and column can be given.
        bom = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
        before = raw[bom : exc.start].decode("utf-8")
        reason = f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        raise InvalidFileError(
            [line_at(display, position_in(before, len(before)), reason)]
        ) from None
    if not text.strip():
        raise InvalidFileError([f"{display}:1:1: file is empty"])
    return text


def position_in(text: str, index: int) -> Position:
    """Line and column of text[index], counting line breaks as the YAML reader does."""
    lines = _LINE_BREAK.split(text[:index])
    return Position(len(lines), len(lines[-1]) + 1)


def line_at(display: str, position: Position, reason: str) -> str:
    return f"{display}:{position.line}:{position.column}: {reason}"


@dataclass
class LocatedData:
    """Parsed data plus where each value (and each mapping key) stood in the file."""

    data: Any
    values: dict[DataPath, Position] = field(default_factory=dict)
    keys: dict[DataPath, Position] = field(default_factory=dict)

    def position_of(self, path: DataPath, *, key: bool = False) -> Position:
        """The closest known position: the key or value itself, else its nearest parent."""
        if key and path in self.keys:
            return self.keys[path]
        for end in range(len(path), -1, -1):
            found = self.values.get(path[:end])
            if found is not None:
                return found
        return Position(1, 1)


class _Mark(Protocol):
    # Events carry either the pure-Python or the C extension's Mark; both have these.
    line: int
    column: int


class _LoaderError(Exception):
    def __init__(self, reason: str, mark: _Mark | None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.position = Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1)


# YAML 1.2 core schema: only true/false are booleans, no base-60, no octal 010, no bare dates.
_RESOLVERS: list[tuple[str, re.Pattern[str], str]] = [
    ("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), "~nN"),
    ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
    ("tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        re.compile(
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
        "-+0123456789.",
    ),
]


class _BoundedLoader(yaml.SafeLoader):
    """The pure-Python SafeLoader (the C one can crash on deep nesting) with hard limits."""

    # Start from no implicit resolvers (not SafeLoader's YAML 1.1 ones); the stubs declare this
    # an instance variable, so ClassVar would not type-check, hence the noqa.
    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        # types-PyYAML leaves peek_event unannotated; it returns the next Event.
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, AliasEvent):
            raise _LoaderError(
                "aliases (*name) are not allowed; write the value out", event.start_mark
            )
        if isinstance(event, ScalarEvent | MappingStartEvent | SequenceStartEvent):
            if event.anchor is not None:
                raise _LoaderError(
                    "anchors (&name) are not allowed; write the value out", event.start_mark
                )
            if event.tag not in (None, "!"):
                raise _LoaderError(
                    f"tags like {_written_tag(event.tag)} are not allowed; write a plain value",
                    event.start_mark,
                )
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _LoaderError(f"too many values (more than {MAX_NODES:,})", event.start_mark)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _LoaderError(f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _written_tag(tag: str) -> str:
    # The parser expands `!!float` to its full URI; show the tag the way the user typed it.
    return "!!" + tag.removeprefix(_STANDARD_TAG) if tag.startswith(_STANDARD_TAG) else tag


for _tag, _pattern, _first in _RESOLVERS:
    _BoundedLoader.add_implicit_resolver(_tag, _pattern, list(_first))


def _construct_decimal_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    # PyYAML reads a leading 0 as octal (010 -> 8); YAML 1.2 and people read 10.
    return int(str(node.value), 10)


_BoundedLoader.add_constructor("tag:yaml.org,2002:int", _construct_decimal_int)


def parse_yaml(text: str, display: str) -> LocatedData:
    """Parse one YAML document into plain data and a map of positions."""
    try:
        # The reader rejects control characters as soon as it is built, so build it here.
        loader = _BoundedLoader(text)
    except yaml.reader.ReaderError as exc:
        reason = (
            f"contains the control character U+{exc.character:04X}, "
            "which YAML does not allow; delete it"
        )
        raise InvalidFileError(
            [line_at(display, position_in(text, exc.position), reason)]
        ) from None
    try:
        root = loader.get_single_node()
    except _LoaderError as exc:
        raise InvalidFileError([line_at(display, exc.position, exc.reason)]) from None
    except yaml.MarkedYAMLError as exc:
        position = Position(1, 1)
        if exc.problem_mark is not None:
            position = Position(exc.problem_mark.line + 1, exc.problem_mark.column + 1)
        problem = exc.problem or exc.context or "cannot be parsed"
        if problem.startswith("but ") and exc.context:
            # e.g. "expected a single document in the stream, but found another document"
            problem = f"{exc.context}, {problem}"
        reason = f"not valid YAML: {problem}"
        raise InvalidFileError([line_at(display, position, reason)]) from None
    except yaml.YAMLError as exc:
        raise InvalidFileError([f"{display}:1:1: not valid YAML: {exc}"]) from None
    finally:
        loader.dispose()
    if root is None:
        raise InvalidFileError([f"{display}:1:1: file is empty"])
    located = LocatedData(data=None)
    problems: list[str] = []
    located.data = _build(root, (), located, loader, problems, display)
    if problems:
        raise InvalidFileError(problems)
    return located


def _position(node: Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def _build(
    node: Node,
    path: DataPath,
    located: LocatedData,
    loader: _BoundedLoader,
    problems: list[str],
    display: str,
) -> Any:
    located.values[path] = _position(node)
    if isinstance(node, MappingNode):
        result: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                problems.append(line_at(display, _position(key_node), "keys must be plain text"))
                continue
            key = str(key_node.value)
            if _SURROGATE.search(key):
                problems.append(line_at(display, _position(key_node), _SURROGATE_REASON))
                continue
            if key in first_seen:
                problems.append(
                    line_at(
                        display,
                        _position(key_node),
                        f"duplicate key {key!r} (first used on line {first_seen[key]})",
                    )
                )
                continue
            first_seen[key] = key_node.start_mark.line + 1
            located.keys[(*path, key)] = _position(key_node)
            result[key] = _build(value_node, (*path, key), located, loader, problems, display)
        return result
    if isinstance(node, SequenceNode):
        return [
            _build(item, (*path, index), located, loader, problems, display)
            for index, item in enumerate(node.value)
        ]
    assert isinstance(node, ScalarNode)
    if _SURROGATE.search(node.value):
        problems.append(line_at(display, _position(node), _SURROGATE_REASON))
        return None
    if node.tag == "tag:yaml.org,2002:int":
        digits = node.value.lstrip("+-")
        if len(digits) > MAX_INT_DIGITS:
            problems.append(
                line_at(display, _position(node), f"number has more than {MAX_INT_DIGITS} digits")
            )
            return None
    return loader.construct_object(node, deep=True)
