"""What a value starts with: the constant text at the head of a string that is partly
computed (a URL whose host is a variable), read through names, templates, `+` and the
attributes a Python class sets on `self`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tree_sitter import Node

from ztlint.semantics.model import COMMENTS, STRINGS

if TYPE_CHECKING:
    from ztlint.semantics import Semantics

# What a string's substitutions and literal pieces are called, per grammar.
_SUBSTITUTIONS = frozenset({"interpolation", "template_substitution", "interpolated_expression"})
_FRAGMENTS = frozenset({"string_content", "string_fragment", "escape_sequence"})


def leading(sem: Semantics, node: Node, depth: int = 3) -> str | None:
    """The constant text an expression's value starts with, or None: all of a
    constant, the literal text of a template or f-string before its first
    substitution (or what a leading substitution starts with), the left operand's of
    a `+`, through names and, in Python, an attribute of `self` that every method of
    the class assigns the same way (`self.base = f"http://{host}"`). What a URL's
    scheme is read from when its host is computed."""
    found = sem.const(node)
    if found is not None:
        return found.text if found.string else None
    node, key = sem.value_of(node)
    if key is not None or depth <= 0:
        return None
    if node.type in STRINGS or node.type == "template_string":
        text = ""
        for child in node.named_children:
            if child.type in _SUBSTITUTIONS:
                if text:
                    return text
                inner = [c for c in child.named_children if c.type not in COMMENTS]
                return leading(sem, inner[0], depth - 1) if inner else None
            if child.type in _FRAGMENTS:
                text += sem.text(child)
        return text or None
    if node.type in ("binary_expression", "binary_operator"):
        op = node.child_by_field_name("operator")
        left = node.child_by_field_name("left")
        if op is not None and sem.text(op) == "+" and left is not None:
            return leading(sem, left, depth - 1)
        return None
    assigned = _self_attribute(sem, node)
    if assigned:
        heads = {leading(sem, v, depth - 1) for v in assigned}
        return heads.pop() if len(heads) == 1 else None
    return None


def _self_attribute(sem: Semantics, node: Node) -> list[Node]:
    """The values a Python class assigns to `self.<name>` anywhere in its body, for
    a `self.<name>` read inside it."""
    if node.type != "attribute" or "python" not in sem.ctx.kinds:
        return []
    owner, attr = node.child_by_field_name("object"), node.child_by_field_name("attribute")
    if owner is None or attr is None or sem.text(owner) != "self":
        return []
    scope = node.parent
    while scope is not None and scope.type != "class_definition":
        scope = scope.parent
    if scope is None:
        return []
    return _self_assignments(sem, scope).get(sem.text(attr), [])


def _self_assignments(sem: Semantics, scope: Node) -> dict[str, list[Node]]:
    """Every `self.<name> = value` in a class body, by name: one walk of each class per
    file, however many reads ask (a hostile class of many reads stays linear)."""
    cache: dict[int, dict[str, list[Node]]] = sem.__dict__.setdefault("_self_assignments", {})
    found = cache.get(scope.id)
    if found is not None:
        return found
    found = {}
    stack = [scope]
    while stack:
        current = stack.pop()
        if current.type == "assignment":
            left, right = (
                current.child_by_field_name("left"),
                current.child_by_field_name("right"),
            )
            if left is not None and right is not None and left.type == "attribute":
                text = sem.text(left)
                if text.startswith("self."):
                    found.setdefault(text[5:], []).append(right)
        stack.extend(current.named_children)
    cache[scope.id] = found
    return found
