"""Swift TLS trust decisions that accept any server.

A `URLSessionDelegate` answers a server-trust challenge with `.useCredential` and
`URLCredential(trust:)`. That is correct only after the trust was evaluated
(`SecTrustEvaluateWithError`) or pinned; without it the session trusts whatever
certificate the server sent. Network.framework's `sec_protocol_options_set_verify_block`
does the same when its block always completes with `true`, and Alamofire's
`DisabledTrustEvaluator` says so in its name. Evaluation in a helper of the same file
(`if verifyServerTrust(trust, for: host) { ... URLCredential(trust: trust) }`, a function
that calls `SecTrustEvaluateWithError` or pins anchors) counts as evaluation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tree_sitter import Node

from ztlint.checks.codeutil import nodes_of, walk
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit

# Evidence that a trust object is checked: evaluation, pinning, or a policy object.
_EVALUATES = re.compile(
    r"SecTrustEvaluate|\.evaluate\s*\(|SecTrustCopyCertificateChain|SecTrustGetCertificateAtIndex|"
    r"SecCertificateCopyData|SecTrustCopyKey|SecTrustCopyPublicKey|pinn?(?:ed|ing)|TrustKit|"
    r"validate\s*\(|verify\s*\("
)
_ALWAYS_TRUE = re.compile(r"\b\w+\s*\(\s*true\s*\)")
# What a same-file helper does when it evaluates a trust itself.
_HELPER_EVALUATES = re.compile(r"SecTrustEvaluate|SecTrustSetAnchorCertificates")


def _evaluating_helpers(ctx: FileContext) -> frozenset[str]:
    """Names of this file's functions whose body evaluates a trust (`func
    verifyServerTrust(_ trust: SecTrust, ...) -> Bool { ...SecTrustEvaluateWithError... }`)."""
    found = set()
    for function in nodes_of(ctx, "function_declaration"):
        name = function.child_by_field_name("name")
        if name is not None and _HELPER_EVALUATES.search(code.node_text(ctx.source, function)):
            found.add(code.node_text(ctx.source, name))
    return frozenset(found)


def _calls_helper(ctx: FileContext, body: str) -> bool:
    helpers = ctx.cached(_evaluating_helpers)
    return any(re.search(rf"\b{re.escape(h)}\s*\(", body) for h in helpers)


def _callee(ctx: FileContext, call: Node) -> str:
    first = call.named_children[0] if call.named_children else None
    return code.node_text(ctx.source, first).rsplit(".", 1)[-1] if first is not None else ""


def _enclosing_function(node: Node) -> Node | None:
    current = node.parent
    while current is not None and current.type not in ("function_declaration", "lambda_literal"):
        current = current.parent
    return current


def detect(ctx: FileContext) -> Iterator[Hit]:
    for call in nodes_of(ctx, "call_expression"):
        callee = _callee(ctx, call)
        text = code.node_text(ctx.source, call)
        if callee == "URLCredential" and re.match(r"URLCredential\s*\(\s*trust\s*:", text):
            scope = _enclosing_function(call)
            body = code.node_text(ctx.source, scope) if scope is not None else ctx.text
            if not _EVALUATES.search(body) and not _calls_helper(ctx, body):
                yield Hit(
                    span=code.node_span(ctx.source, call),
                    message="URLCredential(trust:) answers the server-trust challenge without evaluating the trust",
                )
        elif callee == "sec_protocol_options_set_verify_block":
            block = next((n for n in walk(call) if n.type == "lambda_literal"), None)
            block_text = code.node_text(ctx.source, block) if block is not None else ""
            if _ALWAYS_TRUE.search(block_text) and not _EVALUATES.search(block_text):
                yield Hit(
                    span=code.node_span(ctx.source, call),
                    message="sec_protocol_options_set_verify_block completes with true without evaluating the trust",
                )
        elif callee in ("DisabledTrustEvaluator", "DisabledEvaluator"):
            yield Hit(
                span=code.node_span(ctx.source, call),
                message=f"Alamofire {callee} accepts any certificate for its host",
            )
