"""Declared types, read from the shared layer's bindings: what a name was declared as
(a parameter's type, a typed `let`/`var`/`const`), and the result type a same-file
function declares. Go, Rust, Python, TypeScript/JavaScript and Swift.

Only what is written counts: an inferred type is unknown (None). Rules ask this instead
of searching a function's text for `name: Type` with a regular expression.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from ztlint.semantics import NAMES, Semantics

# Nodes of a parameter list that declare one or more names with a type.
_PARAMETERS = frozenset(
    {
        "parameter_declaration",  # Go
        "variadic_parameter_declaration",
        "parameter",  # Rust, Swift
        "typed_parameter",  # Python
        "typed_default_parameter",
        "required_parameter",  # TypeScript
        "optional_parameter",
    }
)


def _clean(text: str) -> str:
    """`: &'a mut str` -> `&'a mut str` -> the type as written, spaces collapsed."""
    return re.sub(r"\s+", " ", text.lstrip(":").strip())


def _type_of_parameter(sem: Semantics, node: Node) -> str | None:
    kind = node.child_by_field_name("type")
    if kind is not None:
        return _clean(sem.text(kind))
    if sem.lang == "swift":
        types = [c for c in node.children_by_field_name("name") if c.type != "simple_identifier"]
        if types:
            return _clean(sem.text(types[-1]))
    if node.type == "typed_parameter":  # Python: `a: int` keeps its name unnamed
        for child in node.named_children:
            if child.type == "type":
                return _clean(sem.text(child))
    return None


def _parameter_names(sem: Semantics, node: Node) -> list[str]:
    names = [
        sem.text(c)
        for c in node.children_by_field_name("name")
        if c.type in ("identifier", "simple_identifier")
    ]
    pattern = node.child_by_field_name("pattern")
    if pattern is not None:
        names.extend(sem.text(c) for c in [pattern, *pattern.named_children] if c.type in NAMES)
    if node.type == "typed_parameter":
        names.extend(sem.text(c) for c in node.named_children if c.type == "identifier")
    return names


def parameter_list(sem: Semantics, function: Node) -> list[tuple[str, str | None]]:
    """A function's parameters in order (a Go method's receiver not among them), each
    as (name, declared type or None); Go's `a, b net.Addr` give both names the type, an
    unnamed parameter (`func(error)`) has the name "". `mut`, `&` and `self` patterns
    name what they bind."""
    params = function.child_by_field_name("parameters") or function.child_by_field_name("parameter")
    if params is None and sem.lang == "swift":
        params = function
    out: list[tuple[str, str | None]] = []
    for node in params.named_children if params is not None else []:
        if node.type in _PARAMETERS:
            kind = _type_of_parameter(sem, node)
            out.extend((name, kind) for name in _parameter_names(sem, node) or [""])
        elif sem.lang != "swift" and node.type not in ("comment", "self_parameter"):
            # untyped Python and JavaScript: `a`, `a=1`, `*args`, `{ a, b }`, `...rest`
            out.extend((name, None) for name in sem.pattern_names(node))
    return out


def parameter_type(sem: Semantics, function: Node, name: str) -> str | None:
    """The type a function declares for one of its parameters (Go's `a, b net.Addr`
    give both names the type), or None when untyped or not a parameter."""
    lists = [
        function.child_by_field_name(f)
        for f in ("parameters", "receiver", "parameter")
        if function.child_by_field_name(f) is not None
    ]
    if sem.lang == "swift":
        lists.append(function)
    for params in lists:
        assert params is not None
        for node in params.named_children:
            if node.type in _PARAMETERS and name in _parameter_names(sem, node):
                return _type_of_parameter(sem, node)
    return None


def _binding_type(sem: Semantics, node: Node) -> str | None:
    """The type written on a declaration: `var ok bool`, `let x: u32 = ..`,
    `const x: number = ..`, `x: int = 1`, Swift `let x: Int = 1`."""
    kind = node.child_by_field_name("type")
    if kind is not None:
        return _clean(sem.text(kind))
    if sem.lang == "swift":
        for child in node.named_children:
            if child.type == "type_annotation":
                return _clean(sem.text(child))
    return None


def declared_type(sem: Semantics, name_node: Node) -> str | None:
    """The type a use of a name was declared with: its parameter's type, or the type
    written on the binding that reaches it; None when nothing is written."""
    return type_at(sem, name_node, sem.text(name_node))


def type_at(sem: Semantics, at: Node, name: str) -> str | None:
    """The declared type of `name` as seen from the place `at` (for a name that is no
    node of its own: an inline format argument)."""
    function = sem.parameter_of(at, name)
    if function is not None:
        return parameter_type(sem, function, name)
    binding = sem.binding_at(at, name)
    return _binding_type(sem, binding.node) if binding is not None else None


def result_type(sem: Semantics, function_name: str) -> str | None:
    """The (first) result type a same-file function of that name declares."""
    for function in sem.functions(function_name):
        result = function.child_by_field_name("result") or function.child_by_field_name(
            "return_type"
        )
        if result is None and sem.lang == "swift":
            types = [
                c for c in function.children_by_field_name("name") if c.type != "simple_identifier"
            ]
            result = types[-1] if types else None
        if result is None:
            continue
        if result.type == "parameter_list":  # Go `(bool, error)`: the first
            first = result.named_children[0] if result.named_children else None
            if first is None:
                continue
            result = first.child_by_field_name("type") or first
        return _clean(sem.text(result))
    return None
