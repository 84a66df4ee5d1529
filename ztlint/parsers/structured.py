"""JSON and TOML through their tree-sitter grammars into the shared node model.
tree-sitter keeps positions and accepts all valid JSON (surrogate pairs, long keys)."""

from __future__ import annotations

import json
import re

from tree_sitter import Node as TSNode
from tree_sitter import Tree

from ztlint.model import Span
from ztlint.parsers import Format, code
from ztlint.parsers.data import MAX_DEPTH, Mapping, Node, ParseFailure, Scalar, Sequence
from ztlint.source import SourceText


def _fail_on_error(src: SourceText, tree: Tree, what: str) -> None:
    error = code.first_error(tree)
    if error is not None:
        span = code.node_span(src, error)
        raise ParseFailure(f"{what} syntax error", span.start_line, span.start_col)


# --- JSON -----------------------------------------------------------------------


def parse_json(src: SourceText) -> list[Node]:
    """JSON, and JSONC as editors and TypeScript read it (`tsconfig.json`,
    `.vscode/*.json`, `devcontainer.json`): comments are part of the grammar, and a file
    with trailing commas is read again with each one blanked (a space of the same width,
    so every position stays), only when the first reading fails."""
    tree = code.parse("json", src)
    try:
        _fail_on_error(src, tree, "JSON")
    except ParseFailure:
        relaxed = _without_trailing_commas(src.text)
        if relaxed == src.text:
            raise
        lenient = SourceText(relaxed)
        tree = code.parse("json", lenient)
        _fail_on_error(src, tree, "JSON")
        src = lenient
    root = tree.root_node
    values = [c for c in root.named_children if c.type != "comment"]
    return [_json(src, v, 0) for v in values]


# Strings and comments first, so that a comma inside one is never taken; then a comma
# followed only by blanks and comments before a closing bracket. An unterminated comment
# runs to the end in one match (no rescan from every later position).
_JSONC_TOKEN = re.compile(
    r'"(?:[^"\\\n]|\\.)*"|//[^\n]*|/\*.*?(?:\*/|\Z)|,(?=(?:\s|//[^\n]*|/\*.*?\*/)*[}\]])', re.S
)


def _without_trailing_commas(text: str) -> str:
    return _JSONC_TOKEN.sub(lambda m: " " if m.group(0) == "," else m.group(0), text)


def _json_string(src: SourceText, node: TSNode) -> str:
    raw = code.node_text(src, node)
    try:
        value = json.loads(raw)
        return value if isinstance(value, str) else raw
    except ValueError:
        return raw[1:-1] if len(raw) >= 2 else raw


def _json(src: SourceText, node: TSNode, depth: int) -> Node:
    if depth > MAX_DEPTH:
        raise ParseFailure(
            f"nesting deeper than {MAX_DEPTH} levels; not parsed",
            code.node_span(src, node).start_line,
        )
    span = code.node_span(src, node)
    t = node.type
    if t == "object":
        m = Mapping(span)
        for pair in node.named_children:
            if pair.type != "pair":
                continue
            key = pair.child_by_field_name("key")
            value = pair.child_by_field_name("value")
            if key is None or value is None:
                continue
            k = Scalar(code.node_span(src, key), _json_string(src, key))
            m.entries.append((k, _json(src, value, depth + 1)))
        return m
    if t == "array":
        return Sequence(
            span, [_json(src, c, depth + 1) for c in node.named_children if c.type != "comment"]
        )
    if t == "string":
        return Scalar(span, _json_string(src, node), "str")
    text = code.node_text(src, node)
    kind = {
        "number": "float" if re.search(r"[.eE]", text) else "int",
        "true": "bool",
        "false": "bool",
        "null": "null",
    }
    return Scalar(span, text, kind.get(t, "other"))


# --- TOML -----------------------------------------------------------------------

_TOML_ESC = re.compile(r"\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(.))", re.S)
_SIMPLE_ESC = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


def _toml_unescape(body: str) -> str:
    def repl(m: re.Match[str]) -> str:
        if m.group(1) or m.group(2):
            try:
                return chr(int(m.group(1) or m.group(2), 16))
            except ValueError:
                return "\ufffd"
        return _SIMPLE_ESC.get(m.group(3), m.group(0))

    return _TOML_ESC.sub(repl, body)


def _toml_string(raw: str) -> str:
    for quote in ('"""', "'''"):
        if raw.startswith(quote) and raw.endswith(quote) and len(raw) >= 6:
            body = raw[3:-3]
            if body.startswith("\n"):
                body = body[1:]
            return _toml_unescape(body) if quote == '"""' else body
    if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
        return _toml_unescape(raw[1:-1])
    if raw.startswith("'") and raw.endswith("'") and len(raw) >= 2:
        return raw[1:-1]
    return raw


def _key_parts(src: SourceText, key: TSNode) -> list[tuple[str, Span]]:
    if key.type == "dotted_key":
        parts: list[tuple[str, Span]] = []
        for child in key.named_children:
            parts.extend(_key_parts(src, child))
        return parts
    text = code.node_text(src, key)
    value = _toml_string(text) if key.type == "quoted_key" else text
    return [(value, code.node_span(src, key))]


def _descend(m: Mapping, parts: list[tuple[str, Span]], array_last: bool = False) -> Mapping:
    """The mapping at `parts` below `m`, creating tables on the way; with an array of
    tables, the newest element."""
    current = m
    for name, span in parts:
        node = current.get(name)
        if isinstance(node, Sequence) and node.items and isinstance(node.items[-1], Mapping):
            current = node.items[-1]
            continue
        if not isinstance(node, Mapping):
            node = Mapping(span)
            current.entries.append((Scalar(span, name), node))
        current = node
    return current


def parse_toml(src: SourceText) -> list[Node]:
    tree = code.parse("toml", src)
    root = tree.root_node
    _fail_on_error(src, tree, "TOML")
    doc = Mapping(code.node_span(src, root))
    for child in root.named_children:
        if child.type == "pair":
            _toml_pair(src, doc, child)
        elif child.type in ("table", "table_array_element"):
            header = next(
                (
                    c
                    for c in child.named_children
                    if c.type in ("bare_key", "quoted_key", "dotted_key")
                ),
                None,
            )
            if header is None:
                continue
            parts = _key_parts(src, header)
            if child.type == "table":
                target = _descend(doc, parts)
                target.span = code.node_span(src, child)
            else:
                parent = _descend(doc, parts[:-1])
                name, span = parts[-1]
                seq = parent.get(name)
                if not isinstance(seq, Sequence):
                    seq = Sequence(span)
                    parent.entries.append((Scalar(span, name), seq))
                target = Mapping(code.node_span(src, child))
                seq.items.append(target)
            for pair in child.named_children:
                if pair.type == "pair":
                    _toml_pair(src, target, pair)
    return [doc]


def _toml_pair(src: SourceText, table: Mapping, pair: TSNode) -> None:
    # A trailing comment is a child of the pair: it is not the value.
    children = [c for c in pair.named_children if c.type != "comment"]
    if len(children) < 2:
        return
    key, value = children[0], children[-1]
    parts = _key_parts(src, key)
    target = _descend(table, parts[:-1])
    name, span = parts[-1]
    target.entries.append((Scalar(span, name), _toml_value(src, value, 0)))


def _toml_value(src: SourceText, node: TSNode, depth: int) -> Node:
    if depth > MAX_DEPTH:
        raise ParseFailure(
            f"nesting deeper than {MAX_DEPTH} levels; not parsed",
            code.node_span(src, node).start_line,
        )
    span = code.node_span(src, node)
    t = node.type
    if t == "array":
        return Sequence(
            span,
            [_toml_value(src, c, depth + 1) for c in node.named_children if c.type != "comment"],
        )
    if t == "inline_table":
        m = Mapping(span)
        for pair in node.named_children:
            if pair.type == "pair":
                _toml_pair(src, m, pair)
        return m
    text = code.node_text(src, node)
    if t == "string":
        return Scalar(span, _toml_string(text), "str")
    kinds = {"integer": "int", "float": "float", "boolean": "bool"}
    return Scalar(span, text, kinds.get(t, "other"))


JSON = Format(name="json", parse=parse_json, template_fallback=True)
TOML = Format(name="toml", parse=parse_toml, optional_reads=False)
