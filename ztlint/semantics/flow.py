"""Bindings found by name at a place, for names that are no tree node: an inline
format argument (`println!("{secret}")`, `f"{token}"` in a string the grammar does not
split), read through the shared layer's bindings and parameters."""

from __future__ import annotations

from tree_sitter import Node

from ztlint.semantics import Binding, Semantics


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
