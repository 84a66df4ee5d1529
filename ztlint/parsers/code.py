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
    data = src.utf8
    if lang == "bash" and b"\\(" in data:
        data = _bash_grouping(data)
    parser = Parser(language(lang))
    tree = parser.parse(data)
    if lang in ("tsx", "javascript") and tree.root_node.has_error and b"&" in data:
        # A bare `&` in JSX text (`Cats &&{' '}<b>dogs</b>`), valid JSX the grammar
        # (0.23) rejects, and with it the rest of the file. Read again with each such
        # `&` as a letter (same width); kept only when the first error moves later.
        relaxed = _JSX_TEXT.sub(_jsx_letters, data)
        if relaxed != data:
            retry = parser.parse(relaxed)
            if _error_start(retry, len(data)) > _error_start(tree, len(data)):
                tree = retry
    return tree


# JSX text: after a tag's `>` (a name, a quoted attribute or an expression before it)
# up to the next tag or expression container.
_JSX_TEXT = re.compile(rb"(?<=[\w\"'}/]>)[^<>{}&]*&[^<>{}]*(?=[<{])")
_BARE_AMPERSAND = re.compile(rb"&(?![A-Za-z0-9#]{1,32};)")


def _jsx_letters(m: re.Match[bytes]) -> bytes:
    return _BARE_AMPERSAND.sub(b"x", m.group(0))


def _error_start(tree: Tree, size: int) -> int:
    found = first_error(tree)
    return found.start_byte if found is not None else size + 1


# tree-sitter-bash (0.25) fails on `test`'s grouping inside brackets,
# `[ \( "$a" = 1 \) -o \( "$b" = 2 \) ]`, and takes the rest of the file for one
# broken command. The escaped parentheses are read as a blank and a bare parenthesis of
# the same width (` (`), which the grammar takes for a parenthesized test expression:
# positions stay, and node text is read from the original.
_BASH_TEST = re.compile(rb"\[\[?[ \t][^\]\n]*\]")
_BASH_GROUP = re.compile(rb"(?<=[ \t])\\[()](?=[ \t])")


def _bash_grouping(data: bytes) -> bytes:
    return _BASH_TEST.sub(
        lambda m: _BASH_GROUP.sub(lambda g: b" " + g.group(0)[1:], m.group(0)), data
    )


def node_span(src: SourceText, node: Node) -> Span:
    return src.point_span(tuple(node.start_point), tuple(node.end_point))  # type: ignore[arg-type]


def node_text(src: SourceText, node: Node) -> str:
    return src.utf8[node.start_byte : node.end_byte].decode("utf-8", errors="replace")


def first_error(tree: Tree) -> Node | None:
    """The first unparsed region: the first ERROR or MISSING node, found without
    recursion; and inside an ERROR node, the first ERROR or MISSING node nested in it.
    When tree-sitter cannot finish a construct (a function whose body holds syntax it
    does not know), the outer ERROR starts where the construct starts, while the nested
    one is where the syntax it does not know is."""
    if not tree.root_node.has_error:
        return None
    found = _first_error_below(tree.root_node)
    while found is not None and found.is_error:
        inner = next(
            (
                e
                for c in found.children
                if (c.is_error or c.is_missing or c.has_error)
                and (e := c if c.is_error or c.is_missing else _first_error_below(c)) is not None
            ),
            None,
        )
        if inner is None:
            break
        found = inner
    return found


def _first_error_below(top: Node) -> Node | None:
    cursor = top.walk()
    while True:
        node = cursor.node
        if node is not None and (node.is_error or node.is_missing):
            return node
        if node is not None and node.has_error and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent() or cursor.node == top:
                return None
