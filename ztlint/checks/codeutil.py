"""The semantics layer's tree helpers (ztlint.semantics.nodes), as rule modules import
them: string literals and how they are used, calls, node kinds, walks."""

from ztlint.semantics.nodes import (
    ARGUMENTS,
    BINDINGS,
    CALLS,
    COMMENTS,
    FUNCTIONS,
    STRINGS,
    WRAPPERS,
    beyond_expression,
    callee,
    calls,
    enclosing_function,
    hit,
    keyed,
    literal_value,
    nodes_of,
    strings,
    text,
    walk,
)

__all__ = [
    "ARGUMENTS",
    "BINDINGS",
    "CALLS",
    "COMMENTS",
    "FUNCTIONS",
    "STRINGS",
    "WRAPPERS",
    "beyond_expression",
    "callee",
    "calls",
    "enclosing_function",
    "hit",
    "keyed",
    "literal_value",
    "nodes_of",
    "strings",
    "text",
    "walk",
]
