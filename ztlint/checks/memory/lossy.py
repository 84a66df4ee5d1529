"""Identifiers decoded with replacement characters: `lossy-identifier-decoding` (Rust).

`String::from_utf8_lossy` turns every invalid byte sequence into U+FFFD, so two
different byte strings can decode to the same text. Used for a service id, a routing
key, a map key or one side of a comparison, that lets one peer's bytes reach another's
route (the seed's L3). Reported when the decoded value becomes a map key or lookup
argument (`get`, `insert`, `contains_key`, `entry`, `remove`), an operand of `==`/`!=`
or a `match` scrutinee, or is bound to a name or field that reads as an identifier
(`service_id`, `route`, `host`, `sni`, `key`); a value only logged or formatted is not.
The fix is `std::str::from_utf8(bytes)` and rejecting the message on error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from ztlint.checks.auth.timing import words
from ztlint.checks.codeutil import nodes_of, walk
from ztlint.checks.codeutil import text as _text
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit

_LOOKUPS = frozenset({"get", "get_mut", "insert", "contains_key", "entry", "remove", "contains"})
_IDENT_WORDS = frozenset(
    {
        "id",
        "ident",
        "identifier",
        "service",
        "route",
        "routing",
        "key",
        "host",
        "hostname",
        "sni",
        "domain",
        "target",
        "destination",
        "dest",
        "tenant",
        "principal",
        "peer",
        "topic",
        "channel",
        "subject",
    }
)
_METHODS = re.compile(r"\.(to_string|into_owned|to_owned|as_ref|trim|as_str|to_lowercase)$")


def _lossy_calls(ctx: FileContext) -> Iterator[Node]:
    for node in nodes_of(ctx, "call_expression"):
        callee = _text(ctx, node.child_by_field_name("function") or node)
        if re.search(r"(^|::)from_utf8_lossy$|\.to_string_lossy$", callee):
            yield node


def _use(ctx: FileContext, call: Node) -> tuple[str, Node, Node] | None:
    """Climb through `.to_string()`, `&` and parentheses to where the value is used."""
    node = call
    while node.parent is not None:
        parent = node.parent
        if parent.type == "field_expression":
            grand = parent.parent
            field = parent.child_by_field_name("field")
            if (
                grand is not None
                and grand.type == "call_expression"
                and field is not None
                and _METHODS.search("." + _text(ctx, field))
            ):
                node = grand
                continue
            return None
        if parent.type in ("reference_expression", "parenthesized_expression"):
            node = parent
            continue
        return parent.type, parent, node
    return None


def _lookup_argument(ctx: FileContext, parent: Node, argument: Node) -> bool:
    """`map.get(x)`, `map.insert(x, ..)`: the first argument is the key; the value
    inserted (`insert(k, x)`) is not."""
    call = parent.parent
    if parent.type != "arguments" or call is None or call.type != "call_expression":
        return False
    if not parent.named_children or parent.named_children[0].id != argument.id:
        return False
    function = call.child_by_field_name("function")
    field = (
        function.child_by_field_name("field")
        if function is not None and function.type == "field_expression"
        else None
    )
    return field is not None and _text(ctx, field) in _LOOKUPS


def _identifier_name(name: str) -> bool:
    ws = words(name)
    return bool(ws) and ws[-1] in _IDENT_WORDS


def detect(ctx: FileContext) -> Iterator[Hit]:
    for call in _lossy_calls(ctx):
        found = _use(ctx, call)
        if found is None:
            continue
        kind, parent, value = found
        why = None
        if kind == "binary_expression" and re.search(r"[!=]=", _text(ctx, parent)):
            why = "compared"
        elif kind == "match_expression":
            why = "matched on"
        elif _lookup_argument(ctx, parent, value):
            why = "used as a map key"
        elif kind == "field_initializer":
            field = parent.child_by_field_name("field") or (
                parent.named_children[0] if parent.named_children else None
            )
            if field is not None and _identifier_name(_text(ctx, field)):
                why = f"stored as `{_text(ctx, field)}`"
        elif kind == "let_declaration":
            pattern = parent.child_by_field_name("pattern")
            name = _text(ctx, pattern).removeprefix("mut ").strip() if pattern is not None else ""
            if re.fullmatch(r"\w+", name):
                why = _judge_binding(ctx, parent, name)
        if why:
            yield Hit(
                span=code.node_span(ctx.source, call),
                message=f"bytes decoded with from_utf8_lossy are {why}: different byte strings "
                "decode to the same text (invalid sequences become U+FFFD); use "
                "std::str::from_utf8 and reject invalid input",
            )


def _judge_binding(ctx: FileContext, binding: Node, name: str) -> str | None:
    """How a `let name = ..lossy..` is used later in its block."""
    block = binding.parent
    if block is None:
        return None
    after = [n for n in block.named_children if n.start_byte > binding.start_byte]
    pattern = re.compile(rf"\b{re.escape(name)}\b")
    for statement in after:
        for node in walk(statement):
            if node.type == "identifier" and _text(ctx, node) == name:
                found = _use_of_name(ctx, node)
                if found:
                    return f"bound to `{name}` and {found}"
    if _identifier_name(name):
        for statement in after:
            if (
                pattern.search(_text(ctx, statement))
                and statement.type != "macro_invocation"
                and not re.match(
                    r"\s*(\w+::)?(trace|debug|info|warn|error|println|eprintln|print|eprint|format|write|writeln)!",
                    _text(ctx, statement),
                )
            ):
                return f"bound to the identifier `{name}`"
    return None


def _use_of_name(ctx: FileContext, ident: Node) -> str | None:
    node = ident
    while node.parent is not None and node.parent.type in (
        "reference_expression",
        "parenthesized_expression",
    ):
        node = node.parent
    parent = node.parent
    if parent is None:
        return None
    if parent.type == "binary_expression" and re.search(r"[!=]=", _text(ctx, parent)):
        return "compared"
    if parent.type == "match_expression":
        return "matched on"
    if _lookup_argument(ctx, parent, node):
        return "used as a map key"
    return None
