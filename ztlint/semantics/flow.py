"""Bindings the layer's binding index does not hold: Rust `if let` / `while let`
patterns. (Bindings by name at a place are `Semantics.binding_at` and `parameter_of`.)"""

from __future__ import annotations

from tree_sitter import Node

from ztlint.semantics import FUNCTIONS, Semantics


def condition_binding(sem: Semantics, name_node: Node) -> tuple[Node, Node] | None:
    """Rust `if let` / `while let` around a use: the pattern that binds the name and
    the value it is matched against (`while let Ok((n, from)) = sock.recv_from(..)`),
    which the layer's bindings do not hold; None when no enclosing condition binds it."""
    name = sem.text(name_node)
    node = name_node.parent
    while node is not None and node.type not in FUNCTIONS:
        if node.type in ("if_expression", "while_expression"):
            condition = node.child_by_field_name("condition")
            lets = [condition] if condition is not None else []
            if condition is not None and condition.type == "let_chain":
                lets = list(condition.named_children)
            for let in lets:
                if let.type != "let_condition":
                    continue
                pattern, value = (
                    let.child_by_field_name("pattern"),
                    let.child_by_field_name("value"),
                )
                if pattern is None or value is None:
                    continue
                stack = [pattern]
                while stack:
                    current = stack.pop()
                    if current.type == "identifier" and sem.text(current) == name:
                        return pattern, value
                    stack.extend(current.named_children)
        node = node.parent
    return None
