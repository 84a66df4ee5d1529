"""The vocabulary of the semantics layer: the grammar node kinds every analysis shares
(functions, names, comments, strings) and the values it answers with (`Binding`,
`Const`, `Origin`)."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

LANGUAGES = frozenset({"go", "rust", "python", "typescript", "tsx", "javascript", "swift"})

FUNCTIONS = frozenset(
    {
        "function_declaration",
        "method_declaration",
        "function_definition",
        "function_item",
        "method_definition",
        "func_literal",
        "function_expression",
        "function",
        "arrow_function",
        "generator_function_declaration",
        "closure_expression",
        "lambda",
        "init_declaration",
    }
)
NAMES = frozenset(
    {
        "identifier",
        "simple_identifier",
        "shorthand_property_identifier",
        "shorthand_property_identifier_pattern",
    }
)
COMMENTS = frozenset({"comment", "line_comment", "block_comment", "multiline_comment"})
# String literal nodes in every grammar ztlint reads.
STRINGS = frozenset(
    {
        "interpreted_string_literal",
        "raw_string_literal",
        "string_literal",
        "string",
        "line_string_literal",
        "template_string",
    }
)
FALSY = frozenset({"false", "False", "0", "None", "nil", "null", "undefined", '""', "''"})
TRUTHY = frozenset({"true", "True"})


@dataclass(frozen=True)
class Binding:
    """One binding of a name: the value node it takes (None for a loop variable or a
    parameter-like target), the key it takes from that value when destructured, and
    the byte where the binding is complete (a use sees bindings completed before it)."""

    name: str
    value: Node | None
    key: str | None
    end: int
    node: Node


@dataclass(frozen=True)
class Const:
    """A constant value: its text (a string's content, a number or keyword as written)
    and whether the language takes it as false."""

    text: str
    string: bool

    @property
    def falsy(self) -> bool:
        return (self.string and self.text == "") or (not self.string and self.text in FALSY)

    @property
    def truthy(self) -> bool:
        return not self.string and self.text in TRUTHY


@dataclass(frozen=True)
class Origin:
    """Where a value comes from: `literal`, `parameter`, `environment`, `request` (with
    the key read, when written as a literal), `random`, `hash`, `hmac`, `call` (the
    qualified callee), or `unknown`."""

    kind: str
    detail: str = ""


UNKNOWN = Origin("unknown")
