"""Bindings found by name at a place, for names that are no tree node: an inline
format argument (`println!("{secret}")`, `f"{token}"` in a string the grammar does not
split), read through the shared layer's bindings and parameters."""

from __future__ import annotations

from tree_sitter import Node

from ztlint.semantics import FUNCTIONS, Binding, Semantics


def binding_at(sem: Semantics, at: Node, name: str) -> Binding | None:
    """The binding of `name` that reaches the place `at` (the last one completed before
    it in the innermost function that binds the name, else the module's); None for a
    parameter or an unbound name."""
    function = sem.function_of(at)
    while function is not None:
        if name in sem.parameters(function):
            return None
        bound = sem.bindings(function).get(name, [])
        reaching = [b for b in bound if b.end <= at.start_byte]
        if reaching:
            return reaching[-1]
        if bound:
            return None
        function = sem.function_of(function)
    module = sem.bindings(None).get(name, [])
    return module[-1] if module else None


def parameter_at(sem: Semantics, at: Node, name: str) -> Node | None:
    """The function whose parameter `name` is, seen from `at`, or None."""
    function = sem.function_of(at)
    while function is not None:
        if name in sem.parameters(function):
            return function
        if sem.bindings(function).get(name):
            return None
        function = sem.function_of(function)
    return None


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
