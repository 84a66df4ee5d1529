"""Go TLS semantics a query cannot express.

`InsecureSkipVerify: true` skips Go's built-in chain and hostname check, but a config
that also installs a `VerifyPeerCertificate` or `VerifyConnection` callback that really
verifies is the documented way to do custom verification (go-spiffe does exactly this).
Such a config is not a finding; one whose callback returns nil unconditionally is.
"""

from __future__ import annotations

from tree_sitter import Node

from ztlint.parsers import code
from ztlint.rule import FileContext

VERIFY_CALLBACKS = frozenset({"VerifyPeerCertificate", "VerifyConnection"})


def _field_name(ctx: FileContext, keyed: Node) -> str | None:
    key = keyed.child_by_field_name("key")
    if key is None:
        return None
    return code.node_text(ctx.source, key).strip()


def _returns_nil_only(ctx: FileContext, body: Node | None) -> bool:
    """A block whose only statement is `return nil`."""
    if body is None:
        return False
    statements = [c for c in body.named_children if c.type != "comment"]
    if len(statements) == 1 and statements[0].type == "statement_list":
        statements = [c for c in statements[0].named_children if c.type != "comment"]
    if len(statements) != 1 or statements[0].type != "return_statement":
        return False
    return " ".join(code.node_text(ctx.source, statements[0]).split()) == "return nil"


def _function_body(ctx: FileContext, name: str) -> Node | bool | None:
    """The body of the top-level function `name` in this file; True when the name is
    not defined here (assume it verifies: it lives elsewhere)."""
    for node in ctx.tree().root_node.named_children:
        if node.type == "function_declaration":
            ident = node.child_by_field_name("name")
            if ident is not None and code.node_text(ctx.source, ident) == name:
                return node.child_by_field_name("body")
    return True


def _callback_verifies(ctx: FileContext, value: Node | None) -> bool:
    if value is None:
        return False
    while value.type == "literal_element" and value.named_child_count == 1:
        child = value.named_children[0]
        value = child
    if value.type == "func_literal":
        return not _returns_nil_only(ctx, value.child_by_field_name("body"))
    if value.type == "nil":
        return False
    if value.type == "identifier":
        body = _function_body(ctx, code.node_text(ctx.source, value))
        if body is True:
            return True
        return not _returns_nil_only(ctx, body if isinstance(body, Node) else None)
    # A method value, a call returning a verifier, a field: assume it verifies.
    return True


def _literal_verifies(ctx: FileContext, literal_value: Node) -> bool:
    return any(
        element.type == "keyed_element"
        and _field_name(ctx, element) in VERIFY_CALLBACKS
        and _callback_verifies(ctx, element.child_by_field_name("value"))
        for element in literal_value.named_children
    )


def _enclosing(node: Node, types: tuple[str, ...]) -> Node | None:
    current = node.parent
    while current is not None and current.type not in types:
        current = current.parent
    return current


def _scope_sets_callback(ctx: FileContext, scope: Node, operand: str) -> bool:
    """Within `scope`, `<operand>.VerifyX = f` or `<operand> := &tls.Config{VerifyX: f}`."""
    stack = [scope]
    while stack:
        node = stack.pop()
        if node.type in ("assignment_statement", "short_var_declaration"):
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if left is not None and right is not None:
                targets = left.named_children
                values = right.named_children
                for target, value in zip(targets, values, strict=False):
                    if target.type == "selector_expression":
                        obj = target.child_by_field_name("operand")
                        fld = target.child_by_field_name("field")
                        if (
                            obj is not None
                            and fld is not None
                            and code.node_text(ctx.source, obj) == operand
                            and code.node_text(ctx.source, fld) in VERIFY_CALLBACKS
                            and _callback_verifies(ctx, value)
                        ):
                            return True
                    elif code.node_text(ctx.source, target) == operand:
                        for lit in _descendants(value, "literal_value"):
                            if _literal_verifies(ctx, lit):
                                return True
        stack.extend(node.named_children)
    return False


def _descendants(node: Node, node_type: str) -> list[Node]:
    out = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == node_type:
            out.append(current)
        stack.extend(current.named_children)
    return out


def verified_elsewhere(ctx: FileContext, captures: dict[str, list[Node]]) -> bool:
    """Guard for InsecureSkipVerify findings: False (drop) when the same config gets a
    verification callback that really verifies."""
    finding = captures["finding"][0]
    if finding.type == "keyed_element":
        literal = finding.parent
        if literal is not None and _literal_verifies(ctx, literal):
            return False
        # `cfg := &tls.Config{InsecureSkipVerify: true}` followed by `cfg.VerifyX = f`
        holder = _enclosing(finding, ("short_var_declaration", "assignment_statement", "var_spec"))
        if holder is not None:
            left = holder.child_by_field_name("left") or holder.child_by_field_name("name")
            scope = _enclosing(
                holder, ("function_declaration", "method_declaration", "func_literal")
            )
            if left is not None and scope is not None:
                names = [code.node_text(ctx.source, n) for n in (left.named_children or [left])]
                if any(_scope_sets_callback(ctx, scope, n) for n in names):
                    return False
        return True
    operand_nodes = captures.get("operand")
    if operand_nodes:
        operand = code.node_text(ctx.source, operand_nodes[0])
        scope = _enclosing(finding, ("function_declaration", "method_declaration", "func_literal"))
        if _scope_sets_callback(ctx, scope or ctx.tree().root_node, operand):
            return False
    return True
