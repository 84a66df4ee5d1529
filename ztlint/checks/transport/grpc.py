"""gRPC without transport security, and where that is fine.

`grpc.WithInsecure()` / `insecure.NewCredentials()` (Go) and `grpc.insecure_channel`
/ `add_insecure_port` (Python) send RPCs in plaintext. To a unix socket or over
loopback (a sidecar), that is not a finding; to a network address it is, with medium
confidence when the target is not a literal.
"""

from __future__ import annotations

from tree_sitter import Node

from ztlint.model import Confidence, Severity
from ztlint.parsers import code
from ztlint.rule import FileContext

_DIAL = {
    "Dial",
    "DialContext",
    "NewClient",
    "insecure_channel",
    "add_insecure_port",
    "secure_channel",
}


def _target_kind(text: str) -> str:
    value = text.strip().strip("\"'`")
    if value.startswith(("unix:", "unix-abstract:", "/", "@")):
        return "local"
    host = value.split("://", 1)[-1]
    if host.startswith("["):
        host = host[1 : host.find("]")] if "]" in host else host
    else:
        host = host.rsplit(":", 1)[0] if ":" in host else host
    if host in ("localhost", "127.0.0.1", "::1") or host.startswith("127."):
        return "local"
    return "network"


def _first_argument(call: Node) -> Node | None:
    args = call.child_by_field_name("arguments")
    if args is None:
        return None
    named = [c for c in args.named_children if c.type != "comment"]
    return named[0] if named else None


def _is_literal(node: Node) -> bool:
    return node.type in ("interpreted_string_literal", "raw_string_literal", "string")


UNKNOWN = (Confidence.LOW, Severity.MEDIUM)


def target_guard(
    ctx: FileContext, captures: dict[str, list[Node]]
) -> bool | tuple[Confidence, Severity]:
    """Keep a plaintext gRPC finding unless its dial target is local. When the target
    is not a literal (often a configured unix socket), it is low confidence and
    medium severity."""
    finding = captures["finding"][0]
    call: Node | None = finding if finding.type in ("call_expression", "call") else None
    node: Node | None = finding
    while node is not None:
        if node.type in ("call_expression", "call"):
            fn = node.child_by_field_name("function")
            if fn is not None and code.node_text(ctx.source, fn).rsplit(".", 1)[-1] in _DIAL:
                call = node
                break
        node = node.parent
    if call is None:
        return UNKNOWN
    fn = call.child_by_field_name("function")
    if fn is None or code.node_text(ctx.source, fn).rsplit(".", 1)[-1] not in _DIAL:
        return UNKNOWN
    target = _first_argument(call)
    if target is None or not _is_literal(target):
        return UNKNOWN
    return _target_kind(code.node_text(ctx.source, target)) != "local"
