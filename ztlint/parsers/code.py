"""tree-sitter grammars from the official wheels, loaded lazily: a run loads only the
grammars its files need. Loaded grammars and compiled queries are immutable, so they
are memoised per process."""

from __future__ import annotations

import importlib
import operator
import re
from functools import cache
from typing import Any

from tree_sitter import Language, Node, Parser, Query, QueryCursor, Tree

from ztlint.model import Span
from ztlint.parsers.budget import over_budget
from ztlint.source import SourceText

# language -> (module, attribute holding the language function)
_GRAMMARS = {
    "go": ("tree_sitter_go", "language"),
    "rust": ("tree_sitter_rust", "language"),
    "swift": ("tree_sitter_swift", "language"),
    "python": ("tree_sitter_python", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "javascript": ("tree_sitter_javascript", "language"),
    "bash": ("tree_sitter_bash", "language"),
    "lua": ("tree_sitter_lua", "language"),
    "json": ("tree_sitter_json", "language"),
    "toml": ("tree_sitter_toml", "language"),
}


@cache
def language(name: str) -> Language:
    module_name, attr = _GRAMMARS[name]
    module: Any = importlib.import_module(module_name)
    return Language(getattr(module, attr)())


@cache
def compile_query(lang: str, source: str) -> Query:
    return Query(language(lang), source)


@cache
def valid_kinds(lang: str, kinds: tuple[str, ...]) -> tuple[str, ...]:
    """The named node kinds of this language's grammar among `kinds`, sorted."""
    language_ = language(lang)
    return tuple(sorted({k for k in kinds if language_.id_for_node_kind(k, True)}))


@cache
def kinds_query(lang: str, kinds: tuple[str, ...] | None) -> Query | None:
    """A query capturing the named nodes of these kinds (all named nodes for None), so
    that finding them is one pass in C instead of a walk in Python. Kinds the grammar
    does not have are left out; None when none is left."""
    if kinds is None:
        return Query(language(lang), "(_) @n")
    valid = valid_kinds(lang, kinds)
    if not valid:
        return None
    return Query(language(lang), " ".join(f"({k}) @n" for k in valid))


def nodes_of_kinds(
    lang: str, tree: Tree, kinds: tuple[str, ...] | None, source: bytes | None = None
) -> list[Node]:
    """The named nodes of these kinds in `tree`, in source order, outer before inner.
    With the tree's `source`, kinds that start with a delimiter are found from it."""
    if source is not None and kinds and _DELIMITERS.get(lang, {}).keys() >= set(kinds):
        return _delimited(lang, tree, source, kinds)
    query = kinds_query(lang, kinds)
    if query is None:
        return []
    found: list[Node] = QueryCursor(query).captures(tree.root_node).get("n", [])
    return source_order(found)


# Tokens that start with their delimiter and hold no node of their own kind: the
# smallest named node around a delimiter's byte is the token that starts there, or one
# (a comment, a rune) whose delimiters are text. Looking them up from the delimiters in
# the text is about twice as fast as a query, which visits every node of the tree.
_DELIMITERS: dict[str, dict[str, bytes]] = {
    "go": {"interpreted_string_literal": b'"', "raw_string_literal": b"`"},
}
_OPAQUE = frozenset({"comment", "rune_literal"})  # their delimiters are text


@cache
def _delimiter_pattern(lang: str, kinds: tuple[str, ...]) -> re.Pattern[bytes]:
    table = _DELIMITERS[lang]
    return re.compile(b"[" + re.escape(b"".join(sorted({table[k] for k in kinds}))) + b"]")


def _delimited(lang: str, tree: Tree, source: bytes, kinds: tuple[str, ...]) -> list[Node]:
    wanted = set(kinds)
    pattern = _delimiter_pattern(lang, tuple(sorted(wanted)))
    root = tree.root_node
    found: list[Node] = []
    pos = 0
    while (m := pattern.search(source, pos)) is not None:
        start = m.start()
        node = root.named_descendant_for_byte_range(start, start + 1)
        if node is not None and node.start_byte == start and node.type in wanted:
            found.append(node)
            pos = max(node.end_byte, start + 1)
        elif node is not None and node.type in _OPAQUE:
            pos = max(node.end_byte, start + 1)
        else:
            pos = start + 1
    return found


def source_order(nodes: list[Node]) -> list[Node]:
    """Sorted in place by start, then longest first (stable sorts); returned."""
    nodes.sort(key=_END, reverse=True)
    nodes.sort(key=_START)
    return nodes


_START = operator.attrgetter("start_byte")
_END = operator.attrgetter("end_byte")


def parse(lang: str, src: SourceText) -> Tree:
    """The tree of `src`; raises OverBudget (a ParseFailure) for a text with too many
    tokens to parse within the memory budget (ztlint.parsers.budget)."""
    over = over_budget(src.text)
    if over is not None:
        raise over
    return Parser(language(lang)).parse(src.utf8)


def node_span(src: SourceText, node: Node) -> Span:
    return src.point_span(tuple(node.start_point), tuple(node.end_point))  # type: ignore[arg-type]


def node_text(src: SourceText, node: Node) -> str:
    return src.utf8[node.start_byte : node.end_byte].decode("utf-8", errors="replace")


def first_error(tree: Tree) -> Node | None:
    """The first ERROR or MISSING node, found without recursion."""
    if not tree.root_node.has_error:
        return None
    cursor = tree.walk()
    while True:
        node = cursor.node
        if node is not None and (node.is_error or node.is_missing):
            return node
        if node is not None and node.has_error and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return None
