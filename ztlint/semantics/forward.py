"""Forward from a value: which binding holds it, where that binding is used, and the
fields later assigned on a receiver (the layer's `resolve` reads the other way, from a
use back to its binding). Written for the transport rules (a TLS config built, bound,
then weakened or handed on); any rule may ask.

- `bound_to(sem, value)`: the binding a value is the whole value of, through `&`,
  parentheses and `Arc::new`-like groups (`cfg := &tls.Config{...}` for the literal);
- `uses(sem, binding, scope)`: the names in a scope that resolve to that binding;
- `field_assignments(sem, scope, receiver)`: `receiver.Field = value` statements.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from ztlint.semantics import NAMES, Binding, Semantics

# Nodes a value passes through unchanged on its way to a binding.
_THROUGH = frozenset({"unary_expression", "parenthesized_expression", "literal_element"})
_ASSIGNMENTS = frozenset({"assignment_statement", "assignment", "assignment_expression"})
_FIELDS = frozenset({"selector_expression", "attribute", "member_expression", "field_expression"})


def bound_to(sem: Semantics, value: Node) -> Binding | None:
    """The binding whose value is this node (or `&node`, `(node)`), in the function
    holding it or the module."""
    candidates = {value.id}
    current = value
    while current.parent is not None and current.parent.type in _THROUGH:
        current = current.parent
        candidates.add(current.id)
    found = [
        binding
        for items in sem.bindings(sem.function_of(value)).values()
        for binding in items
        if binding.value is not None and binding.value.id in candidates
    ]
    if len(found) > 1:
        # `conn, err := tls.Dial(...)`: every target takes the one call; the value is
        # the first target's (the others are an error or an ok flag).
        found.sort(key=lambda b: _position(sem, b))
    return found[0] if found else None


def _position(sem: Semantics, binding: Binding) -> int:
    m = re.search(rf"\b{re.escape(binding.name)}\b", sem.text(binding.node))
    return m.start() if m else 1 << 30


def uses(sem: Semantics, binding: Binding, scope: Node) -> list[Node]:
    """The names in `scope` that this binding reaches (the binding's own target is not
    a use)."""
    out = []
    stack = [scope]
    while stack:
        node = stack.pop()
        if (
            node.type in NAMES
            and sem.text(node) == binding.name
            and (node.start_byte >= binding.end or not _inside(node, binding.node))
        ):
            found = sem.resolve(node)
            if found is not None and found.node.id == binding.node.id:
                out.append(node)
        stack.extend(node.named_children)
    out.sort(key=lambda n: n.start_byte)
    return out


def _inside(node: Node, container: Node) -> bool:
    return container.start_byte <= node.start_byte and node.end_byte <= container.end_byte


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def field_assignments(
    sem: Semantics, scope: Node, receiver: str
) -> Iterator[tuple[str, Node | None, Node]]:
    """(field, assigned value, assignment) for each `receiver.field = value` in the
    scope, nested functions included; `receiver` is matched as written (`cfg`,
    `t.TLSClientConfig`)."""
    wanted = _squeeze(receiver)
    stack = [scope]
    while stack:
        node = stack.pop()
        stack.extend(node.named_children)
        if node.type not in _ASSIGNMENTS:
            continue
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None:
            continue
        targets = left.named_children if left.type == "expression_list" else [left]
        values: list[Node] = []
        if right is not None:
            values = right.named_children if right.type == "expression_list" else [right]
        for i, target in enumerate(targets):
            if target.type not in _FIELDS or not target.named_children:
                continue
            obj = target.named_children[0]
            fld = target.named_children[-1]
            if obj.id == fld.id or _squeeze(sem.text(obj)) != wanted:
                continue
            value = values[i] if len(values) == len(targets) else None
            yield sem.text(fld), value, node
