"""Go HTTP servers that serve in plaintext on a network address.

`http.ListenAndServe(addr, h)` and `(*http.Server).ListenAndServe()` serve without TLS
(`ListenAndServeTLS` is the TLS one). That is fine on loopback or a unix socket, and
often fine behind a TLS-terminating proxy, so a plain server on a network address is
medium confidence. A handler wrapped in `h2c.NewHandler` is there to serve HTTP/2
cleartext: gRPC or Connect RPCs, credentials and all, in the clear; that is reported
as certain unless its address is loopback or a unix socket. An address the code does
not fix (a flag, a config field) counts as a network address for an h2c server and
is not reported for a plain one. A server literal that carries a `TLSConfig` is left
alone: how it is served is decided elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from ztlint import semantics
from ztlint.checks import codeutil
from ztlint.model import Confidence
from ztlint.parsers import code
from ztlint.rule import FileContext, Hit

_H2C = "golang.org/x/net/http2/h2c.NewHandler"
_SERVER = "net/http.Server"


def _address_kind(sem: semantics.Semantics, addr: Node | None) -> tuple[str, str]:
    """("local" | "network" | "unknown", the address as shown)."""
    if addr is None:
        return "network", ":80"  # an http.Server without Addr listens on :http
    found = sem.const(addr)
    if found is None or not found.string:
        return "unknown", sem.text(addr)
    value = found.text
    if value.startswith(("unix:", "/", "@")):
        return "local", value
    host = value.rsplit(":", 1)[0] if ":" in value else value
    host = host.strip("[]").lower()
    if host in ("localhost", "::1") or host.startswith("127."):
        return "local", value
    return "network", value or ":80"


def _is_h2c(sem: semantics.Semantics, handler: Node | None) -> bool:
    if handler is None:
        return False
    value, _ = sem.value_of(handler)
    return value.type == "call_expression" and sem.callee(value) == _H2C


def _server_literal(sem: semantics.Semantics, operand: Node) -> Node | None:
    """The body of the `http.Server{...}` literal a receiver stands for."""
    value, _ = sem.value_of(operand)
    for _ in range(3):
        if value.type in ("unary_expression", "parenthesized_expression") and value.named_children:
            value = value.named_children[-1]
    if value.type != "composite_literal":
        return None
    typ = value.child_by_field_name("type")
    if typ is None or sem.qualified(typ) != _SERVER:
        return None
    return value.child_by_field_name("body")


def _field(sem: semantics.Semantics, body: Node, name: str) -> Node | None:
    for element in body.named_children:
        key = element.child_by_field_name("key")
        if element.type == "keyed_element" and key is not None and sem.text(key) == name:
            value = element.child_by_field_name("value")
            if value is not None and value.type == "literal_element" and value.named_children:
                value = value.named_children[0]
            return value
    return None


def detect(ctx: FileContext) -> Iterator[Hit]:
    sem = semantics.of(ctx)
    for call in codeutil.nodes_of(ctx, "call_expression"):
        function = call.child_by_field_name("function")
        args = call.child_by_field_name("arguments")
        if function is None or args is None or function.type != "selector_expression":
            continue
        field = function.child_by_field_name("field")
        if field is None or sem.text(field) != "ListenAndServe":
            continue
        named = [a for a in args.named_children if a.type != "comment"]
        if sem.callee(call) == "net/http.ListenAndServe" and len(named) == 2:
            addr: Node | None = named[0]
            handler: Node | None = named[1]
        else:
            operand = function.child_by_field_name("operand")
            body = _server_literal(sem, operand) if operand is not None and not named else None
            if body is None or _field(sem, body, "TLSConfig") is not None:
                continue
            addr, handler = _field(sem, body, "Addr"), _field(sem, body, "Handler")
        kind, shown = _address_kind(sem, addr)
        h2c = _is_h2c(sem, handler)
        if kind == "local" or (kind == "unknown" and not h2c):
            continue
        span = code.node_span(ctx.source, call)
        if h2c:
            yield Hit(
                span=span,
                message=f"h2c server on {shown} serves HTTP/2 (gRPC, Connect) without TLS",
            )
        else:
            yield Hit(
                span=span,
                message=f"HTTP server on {shown} serves without TLS",
                confidence=Confidence.MEDIUM,
            )
