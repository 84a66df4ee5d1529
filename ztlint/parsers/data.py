"""One node model for YAML, JSON and TOML documents, with spans.

YAML anchors and aliases stay shared nodes: the same object appears wherever the alias
is used and is never copied, so an alias bomb stays as small as its text. Walkers visit
each node once.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from typing import Protocol, TypeVar

from ztlint.model import Span

MAX_DEPTH = 256
T = TypeVar("T")


class ParseFailure(Exception):
    """A file could not be parsed; becomes a notification with its position."""

    def __init__(
        self,
        message: str,
        line: int | None = None,
        column: int | None = None,
        recovered: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        # tree-sitter recovered and the rules ran on the rest of the file.
        self.recovered = recovered


class Mark(Protocol):
    """Where a parser saw a node start or end (ruamel's marks): 0-based."""

    @property
    def line(self) -> int: ...

    @property
    def column(self) -> int: ...


class Node:
    """A node has a span. A parser that makes marks may hand over the pair instead; the
    span is made on first use (most nodes' spans are never read)."""

    __slots__ = ("_end", "_span", "_start")

    def __init__(self, span: Span | None, marks: tuple[Mark, Mark] | None = None) -> None:
        self._span = span
        self._start: Mark | None = None
        self._end: Mark | None = None
        if marks is not None:
            self._start, self._end = marks

    @property
    def span(self) -> Span:
        span = self._span
        if span is None:
            s, e = self._start, self._end
            assert s is not None and e is not None
            span = self._span = Span(s.line + 1, s.column + 1, e.line + 1, e.column + 1)
            self._start = self._end = None
        return span

    @span.setter
    def span(self, span: Span) -> None:
        self._span = span
        self._start = self._end = None


class Scalar(Node):
    """A leaf. `kind` is one of str, int, float, bool, null, other; `value` is the
    text of the value with quotes and escapes resolved."""

    __slots__ = ("kind", "value")

    def __init__(
        self,
        span: Span | None,
        value: str,
        kind: str = "str",
        marks: tuple[Mark, Mark] | None = None,
    ) -> None:
        super().__init__(span, marks)
        self.value = value
        self.kind = kind

    def truthy(self) -> bool | None:
        """True/False for booleans and boolean-looking strings, else None."""
        text = self.value.strip().lower()
        if text in ("true", "yes", "on"):
            return True
        if text in ("false", "no", "off"):
            return False
        return None

    def __repr__(self) -> str:
        return f"Scalar({self.value!r}@{self.span.start_line})"


class Sequence(Node):
    __slots__ = ("items",)

    def __init__(
        self,
        span: Span | None,
        items: list[Node] | None = None,
        marks: tuple[Mark, Mark] | None = None,
    ) -> None:
        super().__init__(span, marks)
        self.items: list[Node] = items if items is not None else []


class Mapping(Node):
    """Entries in source order. YAML merge keys (`<<`) are kept apart in `merges` and
    consulted by `get` after the mapping's own keys, as YAML defines."""

    __slots__ = ("entries", "merges")

    def __init__(self, span: Span | None, marks: tuple[Mark, Mark] | None = None) -> None:
        super().__init__(span, marks)
        self.entries: list[tuple[Scalar, Node]] = []
        self.merges: list[Mapping] = []

    def items(self) -> Iterator[tuple[Scalar, Node]]:
        """Own entries, then merged entries whose keys are not overridden."""
        seen: set[str] = set()
        for key, value in self.entries:
            seen.add(key.value)
            yield key, value
        for merged in self.merges:
            for key, value in merged.items():
                if key.value not in seen:
                    seen.add(key.value)
                    yield key, value

    def entry(self, key: str) -> tuple[Scalar, Node] | None:
        for k, v in self.entries:
            if k.value == key:
                return k, v
        for merged in self.merges:
            found = merged.entry(key)
            if found is not None:
                return found
        return None

    def get(self, key: str) -> Node | None:
        found = self.entry(key)
        return found[1] if found is not None else None

    def get_map(self, key: str) -> Mapping | None:
        node = self.get(key)
        return node if isinstance(node, Mapping) else None

    def get_seq(self, key: str) -> Sequence | None:
        node = self.get(key)
        return node if isinstance(node, Sequence) else None

    def get_str(self, key: str) -> str | None:
        node = self.get(key)
        return node.value if isinstance(node, Scalar) else None

    def key_node(self, key: str) -> Scalar | None:
        found = self.entry(key)
        return found[0] if found is not None else None

    def __repr__(self) -> str:
        return f"Mapping({[k.value for k, _ in self.entries]}@{self.span.start_line})"


def walk_with(root: Node, start: T, step: Callable[[Node, T], T]) -> Iterator[tuple[Node, T]]:
    """Every node reachable from `root` once, in document order, without recursion,
    with the context its parent hands down: a node yields with `inherited`, and its
    children receive `step(node, inherited)` (the parent node, the enclosing Envoy
    cluster, compose service or Kubernetes workload)."""
    seen: set[int] = set()
    stack: list[tuple[Node, T]] = [(root, start)]
    while stack:
        node, inherited = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node, inherited
        if isinstance(node, Mapping):
            children: list[Node] = [v for _, v in node.entries] + list(node.merges)
        elif isinstance(node, Sequence):
            children = node.items
        else:
            continue
        handed_down = step(node, inherited)
        stack.extend((child, handed_down) for child in reversed(children))


def walk(root: Node) -> Iterator[tuple[Node, Node | None]]:
    """Every node reachable from `root` once, with its parent."""
    start: Node | None = None
    return walk_with(root, start, lambda node, _: node)


def mappings_with_key(root: Node, key: str) -> Iterator[Mapping]:
    """Every mapping below `root` that has `key` among its own entries."""
    for node, _ in walk(root):
        if isinstance(node, Mapping) and any(k.value == key for k, _ in node.entries):
            yield node


def _holds(outer: Span, inner: Span) -> bool:
    return outer.start_line <= inner.start_line and inner.end_line <= outer.end_line


def entity_lines(documents: list[Node], span: Span, entity: str) -> tuple[int, int] | None:
    """The lines of the node that a finding's entity names: the innermost mapping on
    the way down to `span` that has `name: <entity>` (an Envoy cluster, a container) or
    is the value of the key `<entity>` (a compose service), else the whole document (a
    Kubernetes workload). Pull-request mode uses it: a line deleted anywhere in the
    entity can be what made the finding. For many findings of one file, EntityIndex."""
    return EntityIndex(documents).lines(span, entity)


class _Runs:
    """Children's spans cut into runs in which starts and ends both never decrease
    (all of them, unless an alias points back): in such a run the children holding a
    line range form one stretch, found by halving."""

    __slots__ = ("runs",)

    def __init__(self, spans: list[Span]) -> None:
        self.runs: list[tuple[int, list[int], list[int]]] = []
        starts: list[int] = []
        ends: list[int] = []
        offset = 0
        for i, s in enumerate(spans):
            if starts and (s.start_line < starts[-1] or s.end_line < ends[-1]):
                self.runs.append((offset, starts, ends))
                offset, starts, ends = i, [], []
            starts.append(s.start_line)
            ends.append(s.end_line)
        if starts:
            self.runs.append((offset, starts, ends))

    def first_holding(self, span: Span) -> int | None:
        """The index of the first child whose lines hold the span's lines."""
        for offset, starts, ends in self.runs:
            began = bisect_right(starts, span.start_line)  # [0, began) start early enough
            reaches = bisect_left(ends, span.end_line)  # [reaches, n) end late enough
            if reaches < began:
                return offset + reaches
        return None


class EntityIndex:
    """entity_lines for every finding of one file in time linear overall: each
    mapping's and sequence's children are indexed once, on first use, and each
    mapping's `name` is looked up once."""

    def __init__(self, documents: list[Node]) -> None:
        self.documents = documents
        self._runs: dict[int, _Runs] = {}
        self._names: dict[int, str | None] = {}
        self._top = _Runs([d.span for d in documents])

    def _children(self, node: Mapping | Sequence) -> _Runs:
        runs = self._runs.get(id(node))
        if runs is None:
            if isinstance(node, Mapping):
                runs = _Runs([v.span for _, v in node.entries])
            else:
                runs = _Runs([item.span for item in node.items])
            self._runs[id(node)] = runs
        return runs

    def _name(self, node: Mapping) -> str | None:
        if id(node) not in self._names:
            named = node.get("name")
            self._names[id(node)] = named.value if isinstance(named, Scalar) else None
        return self._names[id(node)]

    def lines(self, span: Span, entity: str) -> tuple[int, int] | None:
        at = self._top.first_holding(span)
        if at is None:
            return None
        doc = self.documents[at]
        found: tuple[int, int] = (doc.span.start_line, doc.span.end_line)
        node: Node | None = doc
        depth = 0
        while node is not None and depth < MAX_DEPTH:
            depth += 1
            nxt: Node | None = None
            if isinstance(node, Mapping):
                if self._name(node) == entity:
                    found = (node.span.start_line, node.span.end_line)
                i = self._children(node).first_holding(span)
                if i is not None:
                    key, nxt = node.entries[i]
                    if key.value == entity:
                        found = (key.span.start_line, nxt.span.end_line)
            elif isinstance(node, Sequence):
                i = self._children(node).first_holding(span)
                nxt = node.items[i] if i is not None else None
            node = nxt
        return found
