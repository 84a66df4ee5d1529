"""What a value is for, read upwards from it: the name a literal is bound to (an
assignment, a constant, a keyword argument, a struct field, an object key) or the call
it is passed to, looking through wrapper calls (`String::from(...)`, `.into()`). The
counterpart of `Semantics.resolve`, which reads from a use back to its binding."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from ztlint.parsers import code
from ztlint.rule import FileContext
from ztlint.semantics.nodes import ARGUMENTS, BINDINGS, CALLS, COMMENTS, STRINGS, WRAPPERS, callee


def binding_name(ctx: FileContext, node: Node) -> str:
    """The name a binding binds: a variable, a field, a mapping key (a quoted key is
    the name it spells: `"client_secret": ...` binds `client_secret`)."""
    for field in ("name", "left", "key", "pattern", "field", "property"):
        child = node.child_by_field_name(field)
        if field == "key" and child is not None and _computed_key(ctx, node, child):
            return ""  # `{RESOURCE_KIND: ...}`, `{[name]: ...}`: a key computed at run time
        if child is not None:
            name = code.node_text(ctx.source, child)
            if child.type in STRINGS and len(name) >= 2 and name[0] == name[-1] in "\"'`":
                return name[1:-1]
            return name
    first = node.named_children[0] if node.named_children else None
    return code.node_text(ctx.source, first) if first is not None else ""


def _computed_key(ctx: FileContext, pair: Node, key: Node) -> bool:
    """A mapping key that is an expression, not a name: a Python dict's key that is no
    string (a variable, an attribute), a JavaScript computed property (`[name]: ...`)."""
    if key.type == "computed_property_name":
        return True
    return ctx.parser == "python" and pair.type == "pair" and key.type not in STRINGS


@dataclass(frozen=True)
class Use:
    kind: str  # "binding" or "call"
    name: str  # the bound name, or the callee
    node: Node  # the binding or call node
    position: int = 0  # argument position, for calls


def use_of(ctx: FileContext, literal: Node, depth: int = 5) -> Use | None:
    """What the literal is for, looking through wrapper calls such as `.into()` and
    `String::from(...)`."""
    node = literal
    for _ in range(depth):
        parent = node.parent
        if parent is None:
            return None
        if parent.type in ARGUMENTS:
            call = parent.parent
            if call is not None and call.type in CALLS:
                name = callee(ctx, call)
                if name in WRAPPERS:
                    node = call
                    continue
                args = [c for c in parent.named_children if c.type not in COMMENTS]
                position = next(
                    (i for i, a in enumerate(args) if a.start_byte <= node.start_byte < a.end_byte),
                    0,
                )
                return Use("call", name, call, position)
        if parent.type in CALLS:
            name = callee(ctx, parent)
            if name in WRAPPERS:
                node = parent
                continue
            return Use("call", name, parent)
        if parent.type == "field_expression" or parent.type == "selector_expression":
            node = parent  # "x".to_string(): the method call is the parent's parent
            continue
        if parent.type in BINDINGS:
            return Use("binding", binding_name(ctx, parent), parent)
        node = parent
    return None
