"""What the template reader works with: the dialects, `TemplateError`, a template value
(`Value`), a neutralised action (`Placeholder`), the result (`Neutralised`), and the
lexer's actions and blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from ztlint.parsers.data import Node, ParseFailure

GO: Final = "go"
JINJA: Final = "jinja"

# Blocks nested deeper than this (and parenthesised pipelines deeper than _MAX_PARENS)
# leave the template unread: no real chart comes near.
MAX_NESTING = 100
_MAX_PARENS = 32
_BLOCK_PRINTERS = frozenset({"toYaml", "toYamlPretty", "indent", "nindent"})
_VARIABLE = re.compile(r"\$[\w]*\s*:?=")
_TOKEN = re.compile(
    r"""\s*(?:(?P<str>"(?:[^"\\\n]|\\.)*")|(?P<raw>`[^`]*`)|(?P<chr>'(?:[^'\\\n]|\\.)*')"""
    r"""|(?P<p>[()|,])|(?P<word>[^\s()|,"`']+))"""
)
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


class TemplateError(ParseFailure):
    """A template that could not be read: its actions could not be followed (an
    unterminated action, an `end` without a block, nesting beyond the limit), or the
    YAML left after neutralising them does not parse. `line` is 1-based."""


@dataclass(frozen=True)
class _Coll:
    """A mapping or sequence from the values, for truthiness only."""

    size: int


_Py = None | bool | int | float | str | _Coll


@dataclass(frozen=True)
class Value:
    """What an expression evaluates to: its Python value, how the template would print
    it (scalars only), whether a quoting function made it a string, and the values
    nodes it came from."""

    py: _Py
    text: str | None
    quoted: bool = False
    nodes: tuple[Node, ...] = ()
    # Not in values.yaml. Helm would read nil; but charts also merge defaults in from
    # elsewhere, so a condition on it is undecided (only `default` takes it as nil).
    missing: bool = False

    def truthy(self) -> bool:
        py = self.py
        if isinstance(py, _Coll):
            return py.size > 0
        return bool(py)


UNKNOWN: Final = None
_MISSING: Final = Value(None, None, missing=True)


@dataclass(frozen=True)
class Placeholder:
    """An inline printing action: 0-based line, columns [start, end) on that line, and
    its value when the chart's values decide it."""

    line: int
    start: int
    end: int
    value: Value | None
    source: str = ""  # the action as written, shown where the value is not known


@dataclass
class Neutralised:
    text: str
    placeholders: list[Placeholder] = field(default_factory=list)
    # Branches kept because values made their condition true: 1-based first and last
    # line, and the values nodes that decided it.
    decided: list[tuple[int, int, tuple[Node, ...]]] = field(default_factory=list)
    # Branches kept by policy, their condition undecided: 1-based first and last line.
    undecided: list[tuple[int, int]] = field(default_factory=list)
    # Values blocks printed by a blanked action: 0-based line, its columns [start, end)
    # on that line, the values node.
    blocks: list[tuple[int, int, int, Node]] = field(default_factory=list)
    # Named templates included with the root context by a blanked action: 0-based
    # line, columns [start, end), the name.
    includes: list[tuple[int, int, int, str]] = field(default_factory=list)


@dataclass
class _Action:
    start: int  # offset of `{{`
    end: int  # offset after `}}`
    body: str  # the text between the delimiters, trim markers and spaces removed
    word: str  # `if`, `else`, `end`, ... ; "" for a printing action; "#" comment
    scope: int = 0  # enclosing with/range/for blocks (where `.` is rebound)
    dot: Value | None = None  # what `.` is inside the innermost `with` on known values


@dataclass
class _Block:
    kind: str
    rebinds: bool
    # (condition value or None for undecidable, is-else, body start offset, body end)
    branches: list[tuple[Value | None, bool, int, int]] = field(default_factory=list)
    open_cond: Value | None = None
    open_else: bool = False
    # Branches (by index) that call `fail`: helm refuses to render them.
    failing: set[int] = field(default_factory=set)
    open_start: int = 0
