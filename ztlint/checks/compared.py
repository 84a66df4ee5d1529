"""A value kept in code only to be compared with: a well-known default kept to notice
it in use (`if s.Secret == shipped.Secret { warn }`, not a credential the program
presents: hardcoded-credential), a retired endpoint kept to refuse it (`if url ==
DEPRECATED_URL { raise }`, not an address the program connects to: plaintext-transport).
Shared by the rules that judge a literal by where it goes."""

from __future__ import annotations

import re

from tree_sitter import Node

from ztlint.checks import codeutil
from ztlint.rule import FileContext
from ztlint.semantics import uses

# What binds a whole value to a name: the record a field's literal sits in is one.
_HOLDERS = frozenset(
    {"var_spec", "const_spec", "short_var_declaration", "assignment", "variable_declarator",
     "assignment_expression", "const_item", "static_item", "let_declaration"}
)  # fmt: skip
_RECORD_PARTS = frozenset(
    {"keyed_element", "literal_element", "literal_value", "composite_literal", "pair",
     "object", "dictionary", "expression_list", "field_initializer", "field_initializer_list",
     "struct_expression", "unary_expression", "call", "argument_list", "keyword_argument"}
)  # fmt: skip
_ACCESSES = frozenset(
    {"identifier", "selector_expression", "attribute", "member_expression", "field_expression"}
)
_COMPARISONS = frozenset({"==", "!=", "===", "!=="})
_LOGS = re.compile(r"(?i)log|warn|print|withfield")


def only_compared(ctx: FileContext, use: uses.Use) -> bool:
    """The literal's name (`dflt` of `dflt := "..."`, or `dflt.Secret` of a record
    `dflt = Config{Secret: "..."}`) is only ever compared for equality in the file, or
    shown in a warning: a value kept to notice it in use, never sent or checked
    against."""
    field = use.name.strip("\"'`")
    holder: Node | None = use.node
    target = field
    if use.node.type not in _HOLDERS:
        holder = use.node.parent
        while holder is not None and holder.type in _RECORD_PARTS:
            holder = holder.parent
        if holder is None or holder.type not in _HOLDERS:
            return False
        target = f"{uses.binding_name(ctx, holder).strip()}.{field}"
    if holder is None or not re.fullmatch(r"[A-Za-z_][\w.]*", target):
        return False
    compared = 0
    for node in codeutil.nodes_of(ctx, *_ACCESSES):
        if node.end_byte <= holder.end_byte and node.start_byte >= holder.start_byte:
            continue  # the declaration itself
        if codeutil.text(ctx, node) != target:
            continue
        outer = node
        while outer.parent is not None and outer.parent.type == "parenthesized_expression":
            outer = outer.parent
        parent = outer.parent
        if parent is None:
            return False
        if parent.type in ("binary_expression", "comparison_operator") and any(
            not c.is_named and codeutil.text(ctx, c) in _COMPARISONS for c in parent.children
        ):
            compared += 1
            continue
        if parent.type in _ACCESSES and parent.named_children and parent.named_children[0] == outer:
            continue  # `target.x`: part of a longer access, judged as that one
        call = parent.parent if parent.type in ("argument_list", "arguments") else None
        callee = call.child_by_field_name("function") if call is not None else None
        if callee is not None and _LOGS.search(codeutil.text(ctx, callee)):
            continue  # shown in the warning that says the default is in use
        return False
    return compared > 0
