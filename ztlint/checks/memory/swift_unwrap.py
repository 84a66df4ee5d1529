"""Force-unwrapped conversions of outside values: `force-unwrap-untrusted` (Swift).

`Int(text)!`, `URL(string: x)!` and `NWEndpoint.Port(rawValue: port)!` crash the app
the first time the configuration, the user or the network hands over a value the
initializer rejects (the seed's L5). Reported: `!` on a failable initializer or
conversion (`Int`, `UInt16`, `Double`, `URL`, `UUID`, `Data(base64Encoded:)`,
`NWEndpoint.Port`, `IPv4Address`, `IPv6Address`, `String(data:encoding:)`, ...)
whose arguments are not all literals. `URL(string: "https://example.com")!` is not a
finding: a literal is checked once, by whoever wrote it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from tree_sitter import Node

from ztlint.checks.codeutil import nodes_of, walk
from ztlint.checks.codeutil import text as _text
from ztlint.model import Confidence
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit

_FAILABLE = re.compile(
    r"^(Int|Int8|Int16|Int32|Int64|UInt|UInt8|UInt16|UInt32|UInt64|Double|Float|Bool|"
    r"URL|URLComponents|UUID|Data|Decimal|NWEndpoint\.Port|NWEndpoint\.Host|IPv4Address|"
    r"IPv6Address|String|Character|Unicode\.Scalar|Port)$"
)
_LITERALS = frozenset(
    {
        "line_string_literal",
        "multi_line_string_literal",
        "integer_literal",
        "real_literal",
        "boolean_literal",
        "raw_string_literal",
        "hex_literal",
    }
)


_SCOPES = frozenset(
    {"function_declaration", "lambda_literal", "computed_property", "init_declaration"}
)
# `Data([0xff, 0, 0, 0])`, `[CChar](repeating: 0, count: n)`, `Data(address.rawValue)`:
# a buffer the code builds itself, or a copy of an already validated value.
_BUILT = re.compile(
    r"^(\[|(Data|Array|ContiguousArray|\[\w+\])\s*\(\s*(\[|repeating\s*:|count\s*:|[\w.]+\.rawValue\s*\)))"
)


def _in_enum(ctx: FileContext, node: Node) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type == "class_declaration":
            return any(not c.is_named and _text(ctx, c) == "enum" for c in parent.children)
        parent = parent.parent
    return False


# Values the program defines rather than receives: an enum case's raw value
# (`LocalNetworkIPs.gateway.rawValue`, `.gateway.rawValue`), a static member or a static
# function without arguments (`Self.hostName`, `AppConfig.privacyPolicyLink()`).
_STATIC = re.compile(r"^((Self|[A-Z]\w*)\.[a-z]\w*(\(\))?|([A-Z]\w*)?\.[a-z]\w*\.rawValue)$")


def _constant(ctx: FileContext, value: Node) -> bool:
    """A literal, an enum case or a static member; a literal URL with a fixed scheme and
    host; a string whose interpolations are all static members or an enum's own
    `rawValue` (its cases are literals too)."""
    text = _text(ctx, value)
    if value.type == "prefix_expression" and text.startswith("."):
        return True  # `encoding: .utf8`
    if _STATIC.match(text):
        return True
    if value.type == "additive_expression":  # "https://\(Self.host)" + "/path"
        return all(_constant(ctx, c) for c in value.named_children)
    if value.type not in _LITERALS:
        return False
    if "\\(" not in text or re.match(r'^"\w+://[^\\/"]+/', text):
        return True
    parts = [_text(ctx, c) for c in value.named_children if c.type == "interpolated_expression"]
    return all(
        _STATIC.match(p) or (p in ("rawValue", "self.rawValue") and _in_enum(ctx, value))
        for p in parts
    )


def _literal_lets(ctx: FileContext) -> frozenset[str]:
    """Names this file binds only with `let NAME = "literal"` (a property or a global):
    immutable text the code wrote, whatever function reads it."""
    literal: set[str] = set()
    other: set[str] = set()
    for m in re.finditer(r"\b(let|var)\s+(\w+)\s*(:\s*[\w.?]+\s*)?=\s*([^\n]*)", ctx.text):
        fixed = m.group(1) == "let" and re.fullmatch(r'"[^"\\]*"\s*', m.group(4)) is not None
        (literal if fixed else other).add(m.group(2))
    return frozenset(literal - other)


def _built_in_code(ctx: FileContext, value: Node) -> bool:
    """An identifier bound earlier in the same function to a buffer the code builds or
    to a constant (`let gateway = "10.64.0.1"`), or bound only to literals in the file."""
    if value.type != "simple_identifier":
        return False
    name = _text(ctx, value)
    if name in ctx.memo("swift-literal-lets", lambda: _literal_lets(ctx)):
        return True
    scope = _scope_of(ctx, value)
    if scope is None:
        return False
    bound = ctx.memo(f"swift-bound-early:{scope.id}", lambda: _bound_early(ctx, scope))
    return bound.get(name, value.start_byte) < value.start_byte


def _scope_of(ctx: FileContext, node: Node) -> Node | None:
    """The innermost function, closure, computed property or init around `node`, from
    the file's scopes in source order (not by `Node.parent`, which searches from the
    root: a walk up per unwrap cost the square of a hostile file's size)."""
    scopes, starts, outer = ctx.memo("swift-scopes", lambda: _scope_index(ctx))
    i = bisect_right(starts, node.start_byte) - 1
    while i >= 0 and scopes[i].end_byte < node.end_byte:
        i = outer[i]
    return scopes[i] if i >= 0 else None


def _scope_index(ctx: FileContext) -> tuple[list[Node], list[int], list[int]]:
    """The scopes in source order, their starts, and each one's innermost enclosing
    scope (an index, -1 for none)."""
    scopes = nodes_of(ctx, *_SCOPES)
    outer: list[int] = []
    open_: list[int] = []  # indexes of the scopes around the current one
    for i, scope in enumerate(scopes):
        while open_ and scopes[open_[-1]].end_byte < scope.end_byte:
            open_.pop()
        outer.append(open_[-1] if open_ else -1)
        open_.append(i)
    return scopes, [s.start_byte for s in scopes], outer


def _bound_early(ctx: FileContext, scope: Node) -> dict[str, int]:
    """Per name, where the first declaration in `scope` that binds it to a buffer the
    code builds or to a constant starts: built once per scope, so that a function with
    thousands of unwraps is not walked again for each."""
    first: dict[str, int] = {}
    for node in walk(scope):
        if node.type != "property_declaration":
            continue
        pattern = node.child_by_field_name("name") or next(
            (c for c in node.named_children if c.type == "pattern"), None
        )
        if pattern is None or (name := _text(ctx, pattern)) in first:
            continue
        initial = node.named_children[-1]
        if initial.id != pattern.id and (
            _BUILT.match(_text(ctx, initial)) or _constant(ctx, initial)
        ):
            first[name] = node.start_byte
    return first


_ENCODED = re.compile(r"\b(JSONEncoder|PropertyListEncoder)\(\)\s*\.\s*encode\(|\.data\(using:")


def detect(ctx: FileContext) -> Iterator[Hit]:
    outer_end = -1  # `Port(rawValue: UInt16(x)!)!` is one problem: report the outer unwrap
    for node in nodes_of(ctx, "postfix_expression"):
        if node.start_byte < outer_end:
            continue
        if (
            node.type != "postfix_expression"
            or not node.children
            or node.children[-1].type != "bang"
        ):
            continue
        call = node.named_children[0] if node.named_children else None
        if call is None or call.type != "call_expression" or not call.named_children:
            continue
        name = _text(ctx, call.named_children[0])
        if not _FAILABLE.match(name):
            continue
        values = [
            arg.named_children[-1]
            for suffix in call.named_children[1:]
            for args in suffix.named_children
            if args.type == "value_arguments"
            for arg in args.named_children
            if arg.type == "value_argument" and arg.named_children
        ]
        if not values or all(_constant(ctx, v) or _built_in_code(ctx, v) for v in values):
            continue
        if name == "URLComponents" and not any(
            re.match(r"string\s*:", _text(ctx, v.parent)) for v in values if v.parent is not None
        ):
            continue  # URLComponents(url: aURL, ..) of a parsed URL
        if name in ("String",) and not re.search(
            r"\b(data|decoding|bytes|cString)\s*:", _text(ctx, call)
        ):
            continue  # String(x) of a non-optional is not failable
        decoded = name == "String"
        if decoded and any(_ENCODED.search(_text(ctx, v)) for v in values):
            continue  # an encoder's output is valid UTF-8 by construction
        shown = " ".join(_text(ctx, call).split())
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        outer_end = node.end_byte
        yield Hit(
            span=code.node_span(ctx.source, node),
            message=f"`{shown}!` crashes when the value is not valid, and the value comes from "
            "outside the code; unwrap with `guard let` and report the bad value",
            # Bytes decoded as text: whether anyone but the app wrote them is a guess.
            confidence=Confidence.LOW if decoded else None,
        )
