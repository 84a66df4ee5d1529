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

from ztlint.checks.codeutil import text as _text
from ztlint.checks.codeutil import walk
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


def detect(ctx: FileContext) -> Iterator[Hit]:
    outer_end = -1  # `Port(rawValue: UInt16(x)!)!` is one problem: report the outer unwrap
    for node in walk(ctx.tree().root_node):
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
        if not values or all(
            v.type in _LITERALS
            and ("\\(" not in _text(ctx, v) or re.match(r'^"\w+://[^\\/"]+/', _text(ctx, v)))
            for v in values
        ):
            continue  # literals, and literal URLs with a fixed scheme and host
        if name == "URLComponents" and not re.search(r"\bstring\s*:", _text(ctx, call)):
            continue  # URLComponents(url: aURL, ..) of a parsed URL
        if name in ("String",) and not re.search(
            r"\b(data|decoding|bytes|cString)\s*:", _text(ctx, call)
        ):
            continue  # String(x) of a non-optional is not failable
        shown = " ".join(_text(ctx, call).split())
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        outer_end = node.end_byte
        yield Hit(
            span=code.node_span(ctx.source, node),
            message=f"`{shown}!` crashes when the value is not valid, and the value comes from "
            "outside the code; unwrap with `guard let` and report the bad value",
        )
