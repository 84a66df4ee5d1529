"""Tree helpers of the semantics layer (rule modules reach them as ztlint.checks.codeutil).
String literals in code and how they are used, for every tree-sitter language ztlint
reads: what a literal says, and whether it is bound to a name (an assignment, a
constant, a keyword argument, a struct field, an object key) or passed to a call."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from ztlint.model import Severity
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit
from ztlint.semantics.model import COMMENTS as _COMMENTS
from ztlint.semantics.model import FUNCTIONS as _FUNCTIONS
from ztlint.semantics.model import STRINGS as _STRINGS

# String literal and comment nodes (one list each, the semantic layer's).
STRINGS = _STRINGS
COMMENTS = _COMMENTS
# The only named nodes inside comments (Rust doc comments, Lua comment text); other
# grammars' comments are leaves.
IN_COMMENTS = frozenset(
    {"doc_comment", "inner_doc_comment_marker", "outer_doc_comment_marker", "comment_content"}
)
CALLS = frozenset({"call_expression", "call", "new_expression", "constructor_invocation"})
BINDINGS = frozenset(
    {
        "assignment",
        "assignment_expression",
        "assignment_statement",
        "short_var_declaration",
        "var_spec",
        "const_spec",
        "let_declaration",
        "const_item",
        "static_item",
        "keyed_element",
        "pair",
        "field_initializer",
        "variable_declarator",
        "property_declaration",
        "keyword_argument",
        "public_field_definition",
        "field_definition",
        "field_declaration",
        "value_argument",
        "augmented_assignment",
        "default_parameter",
        "typed_default_parameter",
    }
)
# Calls that only convert or wrap a literal: look through them to what the value is for.
WRAPPERS = frozenset(
    {
        "into",
        "to_string",
        "to_owned",
        "from",
        "String::from",
        "Some",
        "str",
        "bytes",
        "encode",
        "new",
        "SecretString::new",
        "Secret::new",
        "[]byte",
        "string",
        "String",
        "Buffer.from",
        "from_static",
        "strip",
    }
)
# Function-like nodes in every grammar ztlint reads (one list, the semantic layer's).
FUNCTIONS = _FUNCTIONS
ARGUMENTS = frozenset({"argument_list", "arguments", "value_arguments", "call_suffix"})
# A field or attribute read (`a.b`), by grammar: Go, Python, JavaScript, Rust.
FIELD_READS = frozenset(
    {"selector_expression", "attribute", "member_expression", "field_expression"}
)


def literal_value(ctx: FileContext, node: Node) -> str | None:
    """The text of a plain string literal; None for interpolated or prefixed strings."""
    if node.type == "template_string" and any(
        c.type == "template_substitution" for c in node.named_children
    ):
        return None
    if node.type in ("string", "line_string_literal") and any(
        c.type in ("interpolation", "interpolated_expression") for c in node.named_children
    ):
        return None
    text = code.node_text(ctx.source, node)
    if node.type == "string" and text[:1] in "fFbBrRuU" and text[1:2] in "\"'":
        if text[0] in "fF":
            return None
        text = text[1:]
    if text.startswith(('r"', "r#")):
        text = text.lstrip("r#").rstrip("#")
    for quote in ('"""', "'''", '"', "'", "`"):
        if len(text) >= 2 * len(quote) and text.startswith(quote) and text.endswith(quote):
            return text[len(quote) : -len(quote)]
    return None


def strings(ctx: FileContext) -> list[tuple[Node, str]]:
    """Every plain string literal outside comments, with its text (computed once per
    file); strings nested in a string (inside an interpolation) are not separate."""
    return ctx.cached(_strings)


def _strings(ctx: FileContext) -> list[tuple[Node, str]]:
    found = []
    for node in _outside_comments(ctx, tuple(sorted(STRINGS)), skip_inside=True):
        value = literal_value(ctx, node)
        if value is not None:
            found.append((node, value))
    return found


def _outside_comments(
    ctx: FileContext, kinds: tuple[str, ...] | None, skip_inside: bool = False
) -> list[Node]:
    """The named nodes of these kinds (all for None) in source order, outer first,
    without those in comments; with `skip_inside`, without those inside another node
    found. tree-sitter's query engine finds them, which is faster than a Python walk."""
    lang = ctx.parser
    if lang is None:
        return []
    # Comments are looked for only when a wanted kind can stand inside one.
    wanted = kinds
    if kinds is not None and IN_COMMENTS & set(kinds):
        wanted = tuple(sorted(set(kinds) | COMMENTS))
    found = _indexed(ctx, lang, wanted)
    if wanted is kinds and not skip_inside:
        return found
    out = []
    skip = -1
    for node in found:
        if node.start_byte < skip:
            continue
        if node.type in COMMENTS:
            skip = node.end_byte
            continue
        if skip_inside:
            skip = node.end_byte
        out.append(node)
    return out


def _indexed(ctx: FileContext, lang: str, kinds: tuple[str, ...] | None) -> list[Node]:
    """The nodes of these kinds in source order. Each kind is looked up once per file:
    detectors asking for overlapping kinds (calls, comparisons, strings and comments)
    share one query's nodes."""
    if kinds is None:
        return code.nodes_of_kinds(lang, ctx.tree(), None)
    valid = code.valid_kinds(lang, kinds)
    index: dict[str, list[Node]] = ctx.cached(_kind_index)
    missing = tuple(k for k in valid if k not in index)
    if missing:
        found = code.nodes_of_kinds(lang, ctx.tree(), missing, ctx.source.utf8)
        buckets: dict[str, list[Node]] = {k: [] for k in missing}
        for node in found:
            bucket = buckets.get(node.type)
            if bucket is None:  # an alias the index cannot file: no sharing
                return found if missing == valid else code.nodes_of_kinds(lang, ctx.tree(), valid)
            bucket.append(node)
        index.update(buckets)
    if len(valid) == 1:
        return list(index[valid[0]])
    return code.source_order([n for k in valid for n in index[k]])


def _kind_index(ctx: FileContext) -> dict[str, list[Node]]:
    return {}


def nodes_of(ctx: FileContext, *types: str) -> list[Node]:
    """The nodes of these types, in source order (outer before inner); computed once
    per file and set of types."""
    key = tuple(sorted(set(types)))
    return list(ctx.cached(_outside_comments, key))


def callee(ctx: FileContext, call: Node) -> str:
    target = (
        call.child_by_field_name("function")
        or call.child_by_field_name("constructor")
        or (call.named_children[0] if call.named_children else None)
    )
    if target is None:
        return ""
    # Only the tail is read: in a hostile file's ERROR tree a target can span most of
    # the file, and reading it whole for each call cost the square of its size.
    tail = ctx.source.utf8[max(target.start_byte, target.end_byte - _CALLEE_TAIL) : target.end_byte]
    return re.split(r"[.:]+", tail.decode("utf-8", errors="replace").strip())[-1]


_CALLEE_TAIL = 512  # bytes: more than any callee name the rules look for


def text(ctx: FileContext, node: Node) -> str:
    return code.node_text(ctx.source, node)


def calls(ctx: FileContext) -> list[tuple[Node, str, Node]]:
    """Every call outside comments, in source order, as (call, callee text, arguments)
    (computed once per file)."""
    return ctx.cached(_calls)


def _calls(ctx: FileContext) -> list[tuple[Node, str, Node]]:
    found = []
    for node in nodes_of(ctx, "call", "call_expression"):
        function = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if function is not None and args is not None:
            found.append((node, text(ctx, function), args))
    return found


def keyed(ctx: FileContext, node: Node, kind: str, key: str, value: str) -> dict[str, Node]:
    """{key text: value node} over the children of one kind: Python keyword arguments
    (`keyword_argument`, name, value), JS object pairs (`pair`, key, value)."""
    out: dict[str, Node] = {}
    for child in node.named_children:
        if child.type == kind:
            k, v = child.child_by_field_name(key), child.child_by_field_name(value)
            if k is not None and v is not None:
                out[text(ctx, k).strip("\"'`")] = v
    return out


def hit(ctx: FileContext, node: Node, message: str, severity: Severity | None = None) -> Hit:
    """A finding on the node's span."""
    return Hit(span=code.node_span(ctx.source, node), message=message, severity=severity)


def walk(node: Node) -> Iterator[Node]:
    """The node and everything under it, outside comments, in source order."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in COMMENTS:
            continue
        yield current
        stack.extend(reversed(current.named_children))


def enclosing_function(node: Node) -> Node | None:
    """The innermost function, method, closure or lambda around a node."""
    parent = node.parent
    while parent is not None and parent.type not in FUNCTIONS:
        parent = parent.parent
    return parent


# Expression nodes a value passes through on its way to the statement that uses it.
EXPRESSION_WRAPPERS = frozenset(
    {
        "unary_expression",
        "not_operator",
        "parenthesized_expression",
        "binary_expression",
        "boolean_operator",
    }
)


def beyond_expression(node: Node) -> Node | None:
    """The first ancestor of `node` that is not part of the same expression (the `if`
    whose condition it is, the assignment that stores it...)."""
    parent = node.parent
    while parent is not None and parent.type in EXPRESSION_WRAPPERS:
        parent = parent.parent
    return parent
