"""Which operand of a comparison, a digest or a call holds a secret: by the name it is
read through (`token`, `cfg.APIKey`, `headers["X-Api-Key"]`, `r.Header.Get("Authorization")`),
through the conversions and MACs computed from it. The timing rule (ZT501) and the
weak-hash rule (ZT502) ask the same question; the words are `vocabulary`'s."""

from __future__ import annotations

import re

from tree_sitter import Node

from ztlint.rule import FileContext
from ztlint.semantics.nodes import text as _text
from ztlint.semantics.vocabulary import SECRET_HEADERS, secret_name

CONSTANT_TYPES = frozenset(
    {
        "interpreted_string_literal",
        "raw_string_literal",
        "string_literal",
        "string",
        "int_literal",
        "float_literal",
        "integer",
        "float",
        "number",
        "true",
        "false",
        "nil",
        "none",
        "null",
        "undefined",
        "boolean_literal",
        "integer_literal",
        "char_literal",
        "rune_literal",
        "concatenated_string",
    }
)


def unwrap(node: Node) -> Node:
    while node.named_children and (
        node.type in ("parenthesized_expression", "await_expression", "reference_expression")
        or (node.type == "unary_expression" and node.children[0].type in ("*", "&"))
    ):
        node = node.named_children[-1]
    return node


def _string_arg(ctx: FileContext, call: Node) -> str | None:
    args = call.child_by_field_name("arguments")
    first = args.named_children[0] if args is not None and args.named_children else None
    if first is None or first.type not in CONSTANT_TYPES:
        return None
    return _text(ctx, first).strip("\"'`")


# A value named as an identifier (`id`, `routerId`, `peer_id`, `nodeID`): its members
# (an identity's `Token` string) name something, they are not secrets.
_IDENTIFIER_HOLDER = re.compile(r"(?:^|_)(?:id|ID)$|[a-z0-9](?:Id|ID)$")


def identifier_member(ctx: FileContext, node: Node) -> bool:
    """A member of a value named as an identifier (`routerId.Token`)."""
    node = unwrap(node)
    if node.type not in (
        "selector_expression",
        "attribute",
        "member_expression",
        "field_expression",
    ):
        return False
    if len(node.named_children) < 2:
        return False
    holder = re.split(r"[.:>]+", _text(ctx, node.named_children[0]))[-1]
    return _IDENTIFIER_HOLDER.search(holder) is not None


def secret_operand(ctx: FileContext, node: Node, depth: int = 0) -> str | None:
    """The name that makes an operand a secret, or None."""
    node = unwrap(node)
    if depth > 4:
        return None
    kind = node.type
    if kind in (
        "identifier",
        "field_identifier",
        "property_identifier",
        "shorthand_property_identifier",
    ):
        name = _text(ctx, node)
        return name if secret_name(name) else None
    if kind in ("selector_expression", "attribute", "member_expression", "field_expression"):
        last = node.named_children[-1] if node.named_children else None
        if last is not None and secret_name(_text(ctx, last)):
            if identifier_member(ctx, node):
                return None  # `routerId.Token`, `id.Token`: a part of an identifier
            return _text(ctx, node)
        return None
    if kind in ("subscript", "index_expression", "subscript_expression"):
        # headers["X-Api-Key"], request.cookies["session"]
        key = node.child_by_field_name("subscript") or node.child_by_field_name("index")
        if key is None and len(node.named_children) >= 2:
            key = node.named_children[-1]
        if key is not None and key.type in CONSTANT_TYPES:
            value = _text(ctx, key).strip("\"'`")
            if SECRET_HEADERS.match(value) or secret_name(value.replace("-", "_")):
                return _text(ctx, node)
        return None
    if kind in ("call_expression", "call"):
        function = node.child_by_field_name("function")
        fname = _text(ctx, function) if function is not None else ""
        tail = re.split(r"[.:]+", fname)[-1]
        if tail in (
            "Get",
            "get",
            "header",
            "getHeader",
            "get_header",
            "Cookie",
            "FormValue",
            "PostFormValue",
        ):
            arg = _string_arg(ctx, node)
            if arg is not None and (
                SECRET_HEADERS.match(arg) or secret_name(arg.replace("-", "_"))
            ):
                return _text(ctx, node)
            return None
        if tail in (
            "hexdigest",
            "digest",
            "Sum",
            "Sum256",
            "sign",
            "Sign",
            "hex",
            "finalize",
            "into_bytes",
            "as_bytes",
            "as_ref",
            "as_str",
            "to_string",
            "to_owned",
            "to_vec",
            "encode",
            "decode",
            "strip",
            "trim",
            "lower",
        ):
            # A computed MAC, or a conversion of a secret.
            receiver = (
                function.child_by_field_name("operand")
                or function.child_by_field_name("object")
                or function.child_by_field_name("value")
                if function is not None
                else None
            )
            if tail in ("hexdigest", "Sum", "sign", "Sign", "finalize") and "hmac" in fname.lower():
                return _text(ctx, node)
            if receiver is not None:
                return secret_operand(ctx, receiver, depth + 1)
        if tail in ("string", "String", "str", "bytes", "Buffer.from", "from"):
            args = node.child_by_field_name("arguments")
            if args is not None and len(args.named_children) == 1:
                return secret_operand(ctx, args.named_children[0], depth + 1)
        return None
    if kind in ("binary_expression", "binary_operator"):
        # "Bearer " + token
        op = node.child_by_field_name("operator")
        if op is not None and _text(ctx, op) == "+":
            for child in (node.child_by_field_name("left"), node.child_by_field_name("right")):
                if child is not None and (found := secret_operand(ctx, child, depth + 1)):
                    return found
        return None
    return None
