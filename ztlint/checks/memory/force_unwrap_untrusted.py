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
from collections.abc import Iterator

from tree_sitter import Node

from ztlint import semantics
from ztlint.checks.codeutil import nodes_of, walk
from ztlint.checks.codeutil import text as _text
from ztlint.model import Confidence
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit
from ztlint.semantics import types

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


# `Data([0xff, 0, 0, 0])`, `[CChar](repeating: 0, count: n)`, `Data(address.rawValue)`,
# `Data(bytes: &value, count: MemoryLayout<UInt32>.size)`: a buffer the code builds
# itself (of a size the code fixes), or a copy of an already validated value.
_BUILT = re.compile(
    r"^(\[|(Data|Array|ContiguousArray|\[\w+\])\s*\(\s*(\[|repeating\s*:|count\s*:|[\w.]+\.rawValue\s*\)"
    r"|bytes\s*:\s*&\w+\s*,\s*count\s*:\s*MemoryLayout<\w+>\.size\s*\)))"
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
# function without arguments (`Self.hostName`, `AppConfig.privacyPolicyLink()`), also of
# a nested type (`Constants.Links.support`).
_STATIC = re.compile(
    r"^((Self|[A-Z]\w*)(\.[A-Z]\w*){0,4}\.[a-z]\w*(\(\))?|([A-Z]\w*)?\.[a-z]\w*\.rawValue)$"
)


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


def _built_in_code(ctx: FileContext, value: Node) -> bool:
    """An identifier whose reaching binding (the layer's) is a buffer the code builds or
    a constant (`let gateway = "10.64.0.1"`); for a property or a global, only when every
    binding of the name there is such a `let`: immutable text the code wrote, whatever
    function reads it."""
    if value.type != "simple_identifier":
        return False
    sem = semantics.of(ctx)
    binding = sem.resolve(value)
    if binding is None or binding.value is None:
        return False
    if sem.function_of(binding.node) is None:
        return all(
            b.value is not None
            and _text(ctx, b.node).lstrip().startswith(("let ", "static let ", "private let "))
            and _fixed(ctx, b.value)
            for b in sem.bindings(None).get(binding.name, [])
        )
    return _fixed(ctx, binding.value)


def _fixed(ctx: FileContext, value: Node) -> bool:
    return bool(_BUILT.match(_text(ctx, value))) or _constant(ctx, value)


# Where a Swift app receives values: its stored settings, a tunnel's configuration, the
# process's environment and arguments, a notification's payload, a URL's query, decoded
# data, the keychain, the pasteboard, a text field.
_OUTSIDE_API = re.compile(
    r"\b(?:UserDefaults|providerConfiguration|ProcessInfo|CommandLine|userInfo|queryItems|"
    r"JSONDecoder|PropertyListDecoder|NSUbiquitousKeyValueStore|UIPasteboard|NSPasteboard|"
    r"SecItemCopyMatching)\b|\.text\b|\.stringValue\b"
)


def _in_subscript(node: Node, top: Node) -> bool:
    """The node is inside the brackets of a subscript within `top`."""
    parent = node.parent
    while parent is not None and parent.id != top.id:
        if parent.type == "value_arguments" and parent.children and parent.children[0].type == "[":
            return True
        parent = parent.parent
    return False


def _outside(ctx: FileContext, value: Node, depth: int = 0) -> bool:
    """Evidence that the value is received: it reads a parameter of the function (the
    caller's value: a decoded config, a message, a packet), an API through which an app
    receives values (_OUTSIDE_API), or a local bound to either."""
    if _OUTSIDE_API.search(_text(ctx, value)):
        return True
    sem = semantics.of(ctx)
    for inner in walk(value):
        if inner.type != "simple_identifier" or (
            inner.parent is not None and inner.parent.type == "navigation_suffix"
        ):
            continue  # a member's name, not a value's root
        if _in_subscript(inner, value):
            continue  # `tableData[indexPath.row]`: the index picks a value, it is not one
        if sem.is_parameter(inner):
            if _plain_text_parameter(sem, inner):
                continue  # `httpsURL(from urlString: String)`: where the caller got it is not shown
            return True
        binding = sem.resolve(inner)
        if (
            depth < 2
            and binding is not None
            and binding.value is not None
            and binding.value.id != value.id
            and _outside(ctx, binding.value, depth + 1)
        ):
            return True
    return False


_PLAIN_TEXT = re.compile(r"(?:Swift\.)?(?:String|Substring)[?!]?")


def _plain_text_parameter(sem: semantics.Semantics, name: Node) -> bool:
    """A parameter declared as plain text (`String`): a helper's argument, whose
    callers (usually the app's own constants and settings) this file does not show;
    a decoded configuration, a message or a packet is received."""
    declared = types.declared_type(sem, name)
    return declared is not None and _PLAIN_TEXT.fullmatch(declared.strip()) is not None


_ENCODED = re.compile(r"\b(JSONEncoder|PropertyListEncoder)\(\)\s*\.\s*encode\(|\.data\(using:")


def detect_swift(ctx: FileContext) -> Iterator[Hit]:
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
        if decoded:
            # Bytes decoded as text: whether anyone but the app wrote them is a guess.
            confidence: Confidence | None = Confidence.LOW
            told = "and the value may come from outside the code"
        elif any(_outside(ctx, v) for v in values):
            confidence, told = None, "and the value comes from outside the code"
        else:
            # A property or another type's member: where its value comes from is not
            # shown here (often the app's own settings): --min-confidence medium.
            confidence = Confidence.MEDIUM
            told = "and nothing here shows the value is fixed"
        yield Hit(
            span=code.node_span(ctx.source, node),
            message=f"`{shown}!` crashes when the value is not valid, {told}; unwrap with "
            "`guard let` and report the bad value",
            confidence=confidence,
        )
